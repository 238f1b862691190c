from . import test_i18n
from . import test_sale_invoices
from . import test_rpc_salesperson
