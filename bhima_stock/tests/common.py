from datetime import timedelta

from odoo import fields
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


class BhimaDepotCommon(BhimaStockCommon):
    """Two depots with their managers and supervisors, an article with lots."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Warehouse = cls.env["stock.warehouse"]
        cls.depot_a = Warehouse.create({"name": "Test Central Pharmacy", "code": "TPC"})
        cls.depot_b = Warehouse.create({"name": "Test Ward", "code": "TWD"})
        cls.pharmacist = new_test_user(
            cls.env, "pharmacist", groups="bhima_stock.bhima_stock_group_user", name="Pharmacist"
        )
        cls.nurse = new_test_user(
            cls.env, "nurse", groups="bhima_stock.bhima_stock_group_user", name="Nurse"
        )
        cls.depot_a.bhima_manager_ids = cls.pharmacist
        cls.depot_b.bhima_manager_ids = cls.nurse
        cls.depot_b.bhima_supervisor_ids = cls.pharmacist
        cls.outsider = new_test_user(
            cls.env, "outsider", groups="bhima_stock.bhima_stock_group_user", name="Outsider"
        )
        cls.article = cls._create_article("Test Amoxicillin 500 mg", default_code="TAMX")
        cls.product = cls.article.product_variant_id
        cls.supplier_location = cls.env.ref("stock.stock_location_suppliers")
        cls.customer_location = cls.env.ref("stock.stock_location_customers")

    @classmethod
    def _lot(cls, name, product=None, expiration=None):
        """A lot expiring in a year unless told otherwise."""
        return cls.env["stock.lot"].create(
            {
                "name": name,
                "product_id": (product or cls.product).id,
                "expiration_date": expiration or fields.Datetime.now() + timedelta(days=365),
            }
        )

    @classmethod
    def _move(cls, product, quantity, source, destination, lot=None, env=None):
        """A real stock move, validated (as superuser unless env is given)."""
        env = env or cls.env
        move = env["stock.move"].create(
            {
                "product_id": product.id,
                "product_uom_qty": quantity,
                "product_uom": product.uom_id.id,
                "location_id": source.id,
                "location_dest_id": destination.id,
            }
        )
        move._action_confirm()
        move._action_assign()
        move.move_line_ids.unlink()
        move.write(
            {
                "move_line_ids": [
                    (
                        0,
                        0,
                        {
                            "product_id": product.id,
                            "quantity": quantity,
                            "lot_id": lot.id if lot else False,
                            "location_id": source.id,
                            "location_dest_id": destination.id,
                        },
                    )
                ],
                "picked": True,
            }
        )
        move._action_done()
        return move


class BhimaMovementCommon(BhimaDepotCommon):
    """Helpers to create and validate BHIMA movement documents."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.supplier = cls.env["res.partner"].create({"name": "Test Supplier (CAMEBU)"})
        cls.donor = cls.env["res.partner"].create({"name": "Test Donor"})
        cls.patient = cls.env["res.partner"].create({"name": "Test Patient"})
        cls.service = cls.env["bhima.stock.service"].create(
            {"name": "Test Surgery", "code": "SURG"}
        )
        cls.group_fifo = cls.env["product.category"].create(
            {
                "name": "Test supplies (FIFO)",
                "bhima_code": "TSUP",
                "property_cost_method": "fifo",
                "property_valuation": "real_time",
                "property_stock_valuation_account_id": cls.account_stock.id,
                "property_account_expense_categ_id": cls.account_expense.id,
                "property_account_income_categ_id": cls.account_income.id,
            }
        )

    @classmethod
    def _flux(cls, code):
        return cls.env.ref(f"bhima_stock.flux_{code}")

    @classmethod
    def _movement(cls, code, depot, lines, env=None, validate=True, **values):
        """A BHIMA movement of flux ``code`` in ``depot``; ``lines`` are dicts
        with product, lot (record) or lot_name, quantity, unit_cost..."""
        env = env or cls.env
        line_values = []
        for line in lines:
            line = dict(line)
            for key in ("product", "lot"):
                if key in line:
                    line[f"{key}_id"] = line.pop(key).id
            line.setdefault("product_id", cls.product.id)
            line_values.append((0, 0, line))
        movement = env["bhima.stock.movement"].create(
            {"flux_id": cls._flux(code).id, "depot_id": depot.id, "line_ids": line_values, **values}
        )
        if validate:
            movement.action_validate()
        return movement

    @classmethod
    def _purchase(
        cls, depot, lot_name, quantity, unit_cost, product=None, expiration=None, **values
    ):
        expiration = expiration or fields.Date.today() + timedelta(days=365)
        return cls._movement(
            1,
            depot,
            [
                {
                    "product_id": (product or cls.product).id,
                    "lot_name": lot_name,
                    "expiration_date": expiration,
                    "quantity": quantity,
                    "unit_cost": unit_cost,
                }
            ],
            partner_id=cls.supplier.id,
            **values,
        )

    def _stock(self, depot, product=None, lot=None):
        """Quantity on hand in a depot (optionally for one lot)."""
        domain = [
            ("product_id", "=", (product or self.product).id),
            ("location_id", "child_of", depot.view_location_id.id),
            ("location_id.usage", "=", "internal"),
        ]
        if lot:
            domain.append(("lot_id", "=", lot.id))
        return sum(self.env["stock.quant"].search(domain).mapped("quantity"))

    def _account_lines(self, movement):
        """{account: balance} of the journal entries posted for a movement."""
        lines = movement.move_ids.account_move_id.line_ids
        result = {}
        for line in lines:
            result[line.account_id] = result.get(line.account_id, 0.0) + line.balance
        return result
