from . import account_move
from . import account_move_line
from . import bhima_stock_movement
from . import bhima_stock_movement_line
