from datetime import timedelta
from random import randint
from uuid import uuid4

from odoo import fields
from odoo.tests import new_test_user

from odoo.addons.bhima_stock.tests.common import BhimaMovementCommon


class BhimaPosCommon(BhimaMovementCommon):
    """A cafeteria stock point sold by one point of sale, its cashier (a plain
    point of sale user, without any stock group) and its manager; a plain Odoo
    product, a BHIMA article followed by lot, and two articles sold in portions
    (a glass of a bottle of 5, a tablet of a blister of 10). Nothing comes from
    demo data."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.point = cls.env["stock.warehouse"].create(
            {"name": "Test Cafeteria", "bhima_pos_stock_point": True}
        )
        cls.point_manager = new_test_user(
            cls.env,
            "cafeteria_manager",
            groups="bhima_stock.bhima_stock_group_user",
            name="Cafeteria Manager",
        )
        cls.point.bhima_manager_ids = cls.point_manager
        cls.cashier = new_test_user(
            cls.env,
            "cafeteria_cashier",
            groups="base.group_user,point_of_sale.group_pos_user",
            name="Cafeteria Cashier",
        )
        cash_journal = cls.env["account.journal"].create(
            {"name": "Test Cafeteria Cash", "type": "cash", "code": "TCSH"}
        )
        cls.cash = cls.env["pos.payment.method"].create(
            {"name": "Cash", "journal_id": cash_journal.id}
        )
        bank_journal = cls.env["account.journal"].create(
            {"name": "Test Cafeteria Bank", "type": "bank", "code": "TBNK"}
        )
        cls.bank = cls.env["pos.payment.method"].create(
            {"name": "Bank", "journal_id": bank_journal.id}
        )
        cls.config = cls.env["pos.config"].create(
            {
                "name": "Test Cafeteria Till",
                "payment_method_ids": [(6, 0, (cls.cash | cls.bank).ids)],
                "module_pos_restaurant": False,
            }
        )
        cls.point.bhima_pos_config_ids = cls.config
        # a plain Odoo product: storable, no lots, category "All"
        cls.water = cls.env["product.product"].create(
            {
                "name": "Test Water 50 cl",
                "is_storable": True,
                "available_in_pos": True,
                "list_price": 1.0,
                "standard_price": 0.4,
                "taxes_id": [(5, 0, 0)],
            }
        )
        # a BHIMA article followed by lot with expiration dates
        cls.article.write({"available_in_pos": True, "list_price": 3.0, "taxes_id": [(5, 0, 0)]})
        # articles sold in portions
        Uom = cls.env["uom.uom"]
        cls.uom_glass = Uom.create({"name": "Test Glass"})
        cls.uom_bottle = Uom.create(
            {"name": "Test Bottle of 5", "relative_factor": 5, "relative_uom_id": cls.uom_glass.id}
        )
        cls.wine = cls.env["product.product"].create(
            {
                "name": "Test Red Wine (glass)",
                "is_storable": True,
                "available_in_pos": True,
                "list_price": 2.5,
                "uom_id": cls.uom_glass.id,
                "bhima_whole_uom_id": cls.uom_bottle.id,
                "taxes_id": [(5, 0, 0)],
            }
        )
        cls.uom_blister = Uom.create(
            {
                "name": "Test Blister of 10",
                "relative_factor": 10,
                "relative_uom_id": cls.unit_tablet.id,
            }
        )
        cls.tablets = cls._create_article(
            "Test Paracetamol 500 mg tablet",
            default_code="TPARA",
            bhima_whole_uom_id=cls.uom_blister.id,
            available_in_pos=True,
            list_price=0.2,
            taxes_id=[(5, 0, 0)],
        ).product_variant_id

    # ------------------------------------------------------------------ helpers

    @classmethod
    def _entry(cls, kind, lines, point=None, env=None, **kwargs):
        point = (point or cls.point).with_env(env or cls.env)
        if kind == "delivery":
            kwargs.setdefault("partner_id", cls.supplier.id)
        return point.bhima_pos_entry(kind, lines, **kwargs)

    @classmethod
    def _expiry(cls, days=365):
        return fields.Date.to_string(fields.Date.today() + timedelta(days=days))

    def _point_stock(self, product, lot=None, point=None):
        return self._stock(point or self.point, product=product, lot=lot)

    def _open_session(self):
        self.config.with_user(self.cashier).open_ui()
        session = self.config.current_session_id
        session.set_opening_control(0, None)
        return session

    def _order_data(self, session, lines, uuid=None, refund_of=None):
        """An order as the till sends it: ``lines`` are (product, quantity)."""
        order_lines = []
        total = 0.0
        for product, quantity in lines:
            price = product.lst_price
            values = {
                "id": randint(1, 1000000),
                "pack_lot_ids": [],
                "price_unit": price,
                "product_id": product.id,
                "price_subtotal": price * quantity,
                "price_subtotal_incl": price * quantity,
                "qty": quantity,
                "tax_ids": [(6, 0, [])],
            }
            if refund_of:
                values["refunded_orderline_id"] = refund_of.lines.filtered(
                    lambda line, p=product: line.product_id == p
                )[:1].id
            order_lines.append((0, 0, values))
            total += price * quantity
        uuid = uuid or str(uuid4())
        return {
            "amount_paid": total,
            "amount_return": 0,
            "amount_tax": 0,
            "amount_total": total,
            "date_order": fields.Datetime.to_string(fields.Datetime.now()),
            "fiscal_position_id": False,
            "pricelist_id": self.config.pricelist_id.id,
            "name": f"Order {uuid}",
            "last_order_preparation_change": "{}",
            "lines": order_lines,
            "partner_id": False,
            "session_id": session.id,
            "payment_ids": [
                (
                    0,
                    0,
                    {
                        "amount": total,
                        "name": fields.Datetime.now(),
                        "payment_method_id": self.cash.id,
                    },
                )
            ],
            "uuid": uuid,
            "user_id": self.cashier.id,
            "to_invoice": False,
            "state": "paid",
        }

    def _sell(self, session, lines, **kwargs):
        """Sync an order from the till, as the cashier; returns the pos.order."""
        data = self._order_data(session, lines, **kwargs)
        self.env["pos.order"].with_user(self.cashier).sync_from_ui([data])
        return self.env["pos.order"].search([("uuid", "=", data["uuid"])])
