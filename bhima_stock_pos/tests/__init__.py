from . import test_i18n
from . import test_pos_orders
from . import test_rpc
from . import test_stock_points
from . import test_tours
