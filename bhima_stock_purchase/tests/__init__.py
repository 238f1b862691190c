from . import test_i18n
from . import test_purchase_invoices
from . import test_rpc_buyer
