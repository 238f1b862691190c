"""Point 10 of the ledger-integrity issue: two validations at the same moment,
on two real PostgreSQL transactions, never both pass when together they take
more than there is. The data lives in its own company, committed (each
transaction must see it), and stays there: no other test reads that company."""

import threading
import time
import uuid
from datetime import timedelta

from odoo import Command, api, fields
from odoo.exceptions import UserError
from odoo.modules.registry import Registry
from odoo.orm.environments import Transaction
from odoo.tests import tagged
from odoo.tests.common import BaseCase, get_db_name
from odoo.tools import mute_logger

ROOT = 1  # Odoo's superuser, to build the data


@tagged("post_install", "-at_install")
class TestConcurrentValidations(BaseCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.registry = Registry(get_db_name())
        tag = uuid.uuid4().hex[:6]
        with cls.registry.cursor() as cr:
            env = api.Environment(cr, ROOT, {})
            company = env["res.company"].create({"name": f"Concurrency hospital {tag}"})
            env = env(context={"allowed_company_ids": [company.id]})
            manager = env["res.users"].create(
                {
                    "name": f"Concurrency pharmacist {tag}",
                    "login": f"concurrency-{tag}",
                    "company_id": company.id,
                    "company_ids": [Command.set(company.ids)],
                    "group_ids": [
                        Command.link(env.ref("bhima_stock.bhima_stock_group_manager").id),
                        Command.link(env.ref("account.group_account_invoice").id),
                    ],
                }
            )
            env["account.chart.template"].try_loading("generic_coa", company, install_demo=False)
            group = env["product.category"].create(
                {"name": f"Concurrency group {tag}", "bhima_code": f"CC{tag}"}
            )
            article = env["product.template"].create(
                {
                    "name": f"Concurrency quinine {tag}",
                    "categ_id": group.id,
                    "company_id": company.id,
                    "uom_id": env.ref("bhima_stock.uom_tablet").id,
                    "bhima_type_id": env.ref("bhima_stock.inventory_type_article").id,
                }
            )
            depot = env["stock.warehouse"].search([("company_id", "=", company.id)], limit=1)
            ward = env["stock.warehouse"].create(
                {"name": f"Concurrency ward {tag}", "code": f"W{tag[:4]}", "company_id": company.id}
            )
            patient = env["res.partner"].create({"name": f"Concurrency patient {tag}"})
            Movement = env["bhima.stock.movement"]
            entry = Movement.create_and_validate(
                {
                    "flux_id": env.ref("bhima_stock.flux_13").id,
                    "depot_id": depot.id,
                    "company_id": company.id,
                    "line_ids": [
                        {
                            "product_id": article.product_variant_id.id,
                            "lot_name": f"CC-{tag}",
                            "expiration_date": fields.Date.today() + timedelta(days=300),
                            "quantity": 40,
                            "unit_cost": 3.0,
                        }
                    ],
                }
            )
            transfer = Movement.create_and_validate(
                {
                    "flux_id": env.ref("bhima_stock.flux_8").id,
                    "depot_id": depot.id,
                    "dest_depot_id": ward.id,
                    "company_id": company.id,
                    "line_ids": [{"product_id": article.product_variant_id.id, "quantity": 10}],
                }
            )
            invoice = env["account.move"].create(
                {
                    "move_type": "out_invoice",
                    "partner_id": patient.id,
                    "company_id": company.id,
                    "invoice_date": fields.Date.today(),
                    "bhima_depot_id": depot.id,
                    "invoice_line_ids": [
                        Command.create(
                            {
                                "product_id": article.product_variant_id.id,
                                "quantity": 10,
                                "price_unit": 5.0,
                                "tax_ids": [Command.clear()],
                            }
                        )
                    ],
                }
            )
            invoice.action_post()
            credits = env["account.move"]
            for _index in range(2):
                credit = invoice._reverse_moves([{"invoice_date": fields.Date.today()}])
                credit.invoice_line_ids.quantity = 6
                credits |= credit
            cls.ids = {
                "user": manager.id,
                "company": company.id,
                "depot": depot.id,
                "ward": ward.id,
                "product": article.product_variant_id.id,
                "lot": Movement.browse(entry["id"]).line_ids.lot_id.id,
                "patient": patient.id,
                "transfer": transfer["id"],
                "credits": credits.ids,
            }

    def _env(self, cr):
        """An environment of the depot's manager (a BHIMA stock manager) on ``cr``.
        The transaction is given the test's registry: a thread must not look the
        registry up while the test runner holds it."""
        if cr.transaction is None:
            cr.transaction = Transaction(self.registry)
        return api.Environment(cr, self.ids["user"], {"allowed_company_ids": [self.ids["company"]]})

    def _stock(self):
        with self.registry.cursor() as cr:
            env = self._env(cr)
            depot = env["stock.warehouse"].browse(self.ids["depot"])
            quants = env["stock.quant"].search(
                [("product_id", "=", self.ids["product"]), *depot._bhima_quant_domain()]
            )
            return sum(quants.mapped("quantity"))

    def _race(self, first, second):
        """Run ``first(env)`` in a transaction kept open while ``second(env)``
        runs in another thread and transaction; then commit the first. Returns
        the outcome of each ("ok" or the exception) and whether the second one
        waited for the first. (The first runs in the test's thread: Odoo's
        post-commit hooks look the registry up, which only that thread may do
        while the test runner holds it.)"""
        results = {}

        def run_second():
            try:
                with mute_logger("odoo.sql_db"), self.registry.cursor() as cr:
                    second(self._env(cr))
                results["second"] = "ok"
            except Exception as error:
                results["second"] = error

        thread = threading.Thread(target=run_second)
        try:
            with self.registry.cursor() as cr:
                first(self._env(cr))
                results["first"] = "ok"
                thread.start()
                time.sleep(2)
                waited = thread.is_alive()
        except Exception as error:
            results["first"], waited = error, False
        thread.join(60)
        self.assertFalse(thread.is_alive(), "the second transaction must end")
        return results["first"], results.get("second"), waited

    def _exit_of(self, quantity):
        def action(env):
            env["bhima.stock.movement"].create_and_validate(
                {
                    "flux_id": env.ref("bhima_stock.flux_9").id,
                    "depot_id": self.ids["depot"],
                    "partner_id": self.ids["patient"],
                    "company_id": self.ids["company"],
                    "line_ids": [
                        {
                            "product_id": self.ids["product"],
                            "lot_id": self.ids["lot"],
                            "quantity": quantity,
                        }
                    ],
                }
            )

        return action

    def test_two_exits_of_the_same_lot_at_once(self):
        before = self._stock()
        first, second, waited = self._race(self._exit_of(15), self._exit_of(15))
        self.assertEqual(first, "ok")
        self.assertTrue(waited, "the second validation waits for the first one's lock")
        self.assertNotEqual(second, "ok", "both exits cannot pass: there are 20 for 30")
        self.assertEqual(self._stock(), before - 15)
        # retried as Odoo retries a serialization failure, it sees the first exit
        with self.registry.cursor() as cr, self.assertRaisesRegex(UserError, "negative"):
            self._exit_of(15)(self._env(cr))

    def test_two_receptions_of_the_same_transfer_at_once(self):
        def receive(env):
            env["bhima.stock.movement"].browse(self.ids["transfer"]).action_receive(
                quantities={self.ids["lot"]: 7}
            )

        first, second, waited = self._race(receive, receive)
        self.assertEqual(first, "ok")
        self.assertTrue(waited)
        self.assertNotEqual(second, "ok", "7 and 7 cannot be received of 10 sent")
        with self.registry.cursor() as cr:
            transfer = self._env(cr)["bhima.stock.movement"].browse(self.ids["transfer"])
            self.assertEqual(transfer.transfer_state, "partial")

    def test_two_credit_notes_of_the_same_invoice_at_once(self):
        def post(index):
            return lambda env: env["account.move"].browse(self.ids["credits"][index]).action_post()

        first, second, waited = self._race(post(0), post(1))
        self.assertEqual(first, "ok")
        self.assertTrue(waited)
        self.assertNotEqual(second, "ok", "6 and 6 cannot be credited of 10 moved")
        with self.registry.cursor() as cr:
            credits = self._env(cr)["account.move"].browse(self.ids["credits"])
            self.assertEqual(credits.mapped("state"), ["posted", "draft"])
