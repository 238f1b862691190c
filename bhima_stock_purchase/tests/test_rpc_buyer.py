from odoo.tests import HttpCase, new_test_user, tagged

from odoo.addons.bhima_stock.tests.common import BhimaMovementCommon
from odoo.addons.bhima_stock.tests.rpc_client import RpcClientMixin


@tagged("post_install", "-at_install")
class TestBuyerOverRpc(RpcClientMixin, BhimaMovementCommon, HttpCase):
    """A buyer who manages no depot confirms purchase orders over XML-RPC and
    JSON-2: Odoo's own flow creates the receipt; the depot permission is for
    stock users moving stock by hand."""

    def test_a_buyer_confirms_a_purchase_order(self):
        buyer = new_test_user(self.env, "rpc_buyer", groups="purchase.group_purchase_user")
        for transport in self.TRANSPORTS:
            with self.subTest(transport=transport):
                ok, order_id = self._create(
                    transport,
                    buyer,
                    "purchase.order",
                    {
                        "partner_id": self.supplier.id,
                        "picking_type_id": self.depot_b.in_type_id.id,
                        "order_line": [
                            (
                                0,
                                0,
                                {
                                    "product_id": self.product.id,
                                    "product_qty": 12,
                                    "price_unit": 3.0,
                                },
                            )
                        ],
                    },
                )
                self.assertTrue(ok, order_id)
                ok, result = self._call_method(
                    transport, buyer, "purchase.order", "button_confirm", ids=[order_id]
                )
                self.assertTrue(ok, result)
                order = self.env["purchase.order"].browse(order_id)
                self.assertEqual(order.state, "purchase")
                self.assertEqual(order.picking_ids.move_ids.product_uom_qty, 12)
                self.assertEqual(order.picking_ids.location_dest_id.warehouse_id, self.depot_b)
