from . import bhima_stock_manual_movement
from . import bhima_stock_preview
from . import bhima_stock_preview_line
from . import bhima_stock_remove_line
from . import bhima_stock_sheet
from . import bhima_stock_sheet_line
from . import bhima_stock_report_wizard
