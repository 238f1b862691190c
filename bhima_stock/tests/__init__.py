from . import test_depots
from . import test_i18n
from . import test_inventory_config
from . import test_inventory_register
from . import test_rpc_depots
from . import test_rpc_inventory
from . import test_tours
