from . import bhima_stock_manual_movement
from . import bhima_stock_remove_line
