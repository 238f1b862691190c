from . import bhima_inventory_type
from . import product_category
from . import product_template
from . import res_company
from . import res_config_settings
from . import uom_uom
