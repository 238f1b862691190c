from . import bhima_pos_stock_entry
from . import bhima_pos_stock_entry_line
from . import bhima_pos_stock_exit
