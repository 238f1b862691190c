from odoo.tests import TransactionCase, new_test_user


class BhimaStockCommon(TransactionCase):
    """Fixtures shared by the bhima_stock tests: accounts, inventory groups,
    units and users. Nothing here depends on demo data."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=True))
        cls.company = cls.env.company
        Account = cls.env["account.account"]
        cls.account_stock = Account.create(
            {"code": "BT3100", "name": "Test stock", "account_type": "asset_current"}
        )
        cls.account_expense = Account.create(
            {"code": "BT6030", "name": "Test stock variation", "account_type": "expense"}
        )
        cls.account_income = Account.create(
            {"code": "BT7010", "name": "Test sales", "account_type": "income"}
        )
        Category = cls.env["product.category"]
        cls.group_medicines = Category.create(
            {
                "name": "Test medicines",
                "bhima_code": "TMED",
                "property_cost_method": "average",
                "property_valuation": "real_time",
                "property_stock_valuation_account_id": cls.account_stock.id,
                "property_account_expense_categ_id": cls.account_expense.id,
                "property_account_income_categ_id": cls.account_income.id,
            }
        )
        cls.group_equipment = Category.create(
            {
                "name": "Test equipment",
                "bhima_code": "TEQP",
                "property_cost_method": "fifo",
                "property_valuation": "periodic",
                "track_expiration": False,
                "unique_item": True,
            }
        )
        cls.type_article = cls.env.ref("bhima_stock.inventory_type_article")
        cls.type_assembly = cls.env.ref("bhima_stock.inventory_type_assembly")
        cls.type_service = cls.env.ref("bhima_stock.inventory_type_service")
        cls.unit_tablet = cls.env.ref("bhima_stock.uom_tablet")
        cls.unit_vial = cls.env.ref("bhima_stock.uom_vial")
        cls.stock_manager = new_test_user(
            cls.env,
            "bhima_manager",
            groups="bhima_stock.bhima_stock_group_manager",
            name="Stock Manager",
        )
        cls.stock_user = new_test_user(
            cls.env,
            "bhima_user",
            groups="bhima_stock.bhima_stock_group_user",
            name="Depot User",
        )
        cls.employee = new_test_user(
            cls.env, "bhima_employee", groups="base.group_user", name="Employee"
        )

    @classmethod
    def _create_article(cls, name, group=None, unit=None, inventory_type=None, **values):
        return cls.env["product.template"].create(
            {
                "name": name,
                "categ_id": (group or cls.group_medicines).id,
                "uom_id": (unit or cls.unit_tablet).id,
                "bhima_type_id": (inventory_type or cls.type_article).id,
                **values,
            }
        )
