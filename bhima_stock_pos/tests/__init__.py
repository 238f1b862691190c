from . import test_pos_orders
from . import test_stock_points
from . import test_tours
from . import test_rpc
