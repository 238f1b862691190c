from odoo.tests import HttpCase, new_test_user, tagged

from odoo.addons.bhima_stock.tests.common import BhimaMovementCommon
from odoo.addons.bhima_stock.tests.rpc_client import RpcClientMixin


@tagged("post_install", "-at_install")
class TestSalespersonOverRpc(RpcClientMixin, BhimaMovementCommon, HttpCase):
    """A salesperson who manages no depot confirms sales orders over XML-RPC
    and JSON-2: Odoo's own flow creates the delivery."""

    def test_a_salesperson_confirms_a_sales_order(self):
        self._purchase(self.depot_a, "RPC-SALE", 20, 2.0)
        seller = new_test_user(self.env, "rpc_seller", groups="sales_team.group_sale_salesman")
        for transport in self.TRANSPORTS:
            with self.subTest(transport=transport):
                ok, order_id = self._create(
                    transport,
                    seller,
                    "sale.order",
                    {
                        "partner_id": self.patient.id,
                        "warehouse_id": self.depot_a.id,
                        "order_line": [
                            (0, 0, {"product_id": self.product.id, "product_uom_qty": 3})
                        ],
                    },
                )
                self.assertTrue(ok, order_id)
                ok, result = self._call_method(
                    transport, seller, "sale.order", "action_confirm", ids=[order_id]
                )
                self.assertTrue(ok, result)
                order = self.env["sale.order"].browse(order_id)
                self.assertEqual(order.state, "sale")
                self.assertEqual(order.picking_ids.move_ids.product_uom_qty, 3)
                self.assertEqual(order.picking_ids.state, "assigned")
