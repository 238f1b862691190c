"""Random sequences of what users do with invoices, credit notes and movements
(ledger-integrity issue): after each step, the quantities and lot balances
must match an independent computation, and the stock account, Odoo's
valuation and the moves' own values must agree to the cent."""

import random
from contextlib import closing
from datetime import timedelta

from odoo import fields
from odoo.exceptions import UserError
from odoo.tests import tagged
from odoo.tools import SQL

from .test_ledger_integrity import LedgerCommon

SEQUENCES = 40
STEPS = 6
SEED = 20261121


class Model:
    """What the stock must be, computed without bhima_stock: the depot's lots
    (taken first expiry first out: lots are named in expiry order) and, for each
    invoice, the lines its validations took out (in order) and what was given
    back from each (reversals, credit notes)."""

    def __init__(self):
        self.lots = {}  # lot name -> quantity
        self.invoices = {}  # invoice -> {"posted", "quantity", "lines": [[lot, qty, given]]}
        self.credits = {}  # credit note -> {"posted", "invoice", "quantity", "taken": [(line, qty)]}

    def take(self, quantity):
        lines = []
        for lot in sorted(self.lots):
            part = min(self.lots[lot], quantity)
            if part > 0:
                lines.append([lot, part, 0])
                self.lots[lot] -= part
                quantity -= part
        return lines

    def held(self, invoice):
        return sum(qty - given for _lot, qty, given in self.invoices[invoice]["lines"])

    def credited(self, invoice):
        """What validated credit notes returned of the invoice and still hold."""
        return sum(
            quantity
            for c in self.credits.values()
            if c["invoice"] == invoice and c["posted"]
            for _line, quantity in c["taken"]
        )

    def give_back(self, invoice):
        """An invoice's un-validation gives back what its lines still hold."""
        for line in self.invoices[invoice]["lines"]:
            self.lots[line[0]] += line[1] - line[2]
            line[2] = line[1]

    def credit(self, invoice, quantity):
        """A credit note returns from the invoice's lines, in the order they moved."""
        taken = []
        for line in self.invoices[invoice]["lines"]:
            part = min(line[1] - line[2], quantity)
            if part > 0:
                line[2] += part
                self.lots[line[0]] += part
                taken.append((line, part))
                quantity -= part
        return taken


@tagged("post_install", "-at_install")
class TestRandomSequences(LedgerCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.articles = {
            "average": cls._create_article("Random quinine").product_variant_id,
            "fifo": cls._create_article("Random bandage", group=cls.group_fifo).product_variant_id,
        }

    def _lot_balances(self, product):
        quants = self.env["stock.quant"].search(
            [("product_id", "=", product.id), *self.depot_a._bhima_quant_domain()]
        )
        balances = {}
        for quant in quants:
            if quant.quantity:
                balances[quant.lot_id.name] = balances.get(quant.lot_id.name, 0) + quant.quantity
        return balances

    def _moves_value(self, product):
        """The value the stock moves carry: entries minus exits (SQL, not the replay)."""
        self.env.flush_all()
        rows = self.env.execute_query(
            SQL(
                """
                SELECT COALESCE(SUM(CASE WHEN is_in THEN value ELSE -value END), 0)
                  FROM stock_move
                 WHERE product_id = %s AND state = 'done' AND (is_in OR is_out)
                """,
                product.id,
            )
        )
        return round(rows[0][0], 2)

    def _check(self, product, model, where):
        expected = {lot: qty for lot, qty in model.lots.items() if qty}
        self.assertEqual(self._lot_balances(product), expected, where)
        balance, valuation = self._ledger(product)
        self.assertEqual(balance, valuation, f"{where}: stock account vs valuation")
        self.assertEqual(valuation, self._moves_value(product), f"{where}: valuation vs moves")
        if not sum(expected.values()):
            self.assertEqual(valuation, 0.0, f"{where}: no stock, no value")

    def _step(self, rng, product, model, index, step):
        """One random operation, done and modelled; returns its description."""
        available = sum(model.lots.values())
        posted = [inv for inv, data in model.invoices.items() if data["posted"]]
        drafts = [inv for inv, data in model.invoices.items() if not data["posted"]]
        choices = ["entry"]
        if available:
            choices += ["exit", "invoice", "invoice"]
        if posted:
            choices += ["reset", "credit", "credit"]
        if drafts:
            choices.append("repost")
        if model.credits:
            choices.append("credit_toggle")
        action = rng.choice(choices)
        context = {
            "rng": rng,
            "product": product,
            "model": model,
            "index": index,
            "step": step,
            "available": available,
            "posted": posted,
            "drafts": drafts,
        }
        return getattr(self, f"_do_{action}")(**context)

    def _do_entry(self, rng, product, model, index, step, **_context):
        quantity, cost = rng.randint(1, 15), round(rng.uniform(0.5, 20), 2)
        days = rng.choice([0, 0, 3, 12, 40])
        lot = f"R{index:03d}-{step}"
        self._entry(
            product,
            quantity,
            cost,
            days_ago=days,
            lot_name=lot,
            expiration=fields.Date.today() + timedelta(days=200 + step),
        )
        model.lots[lot] = model.lots.get(lot, 0) + quantity
        return f"entry {quantity} @ {cost} dated -{days}d"

    def _do_exit(self, rng, product, model, available, **_context):
        quantity = rng.randint(1, available)
        self._exit(product, quantity)
        model.take(quantity)
        return f"exit {quantity}"

    def _do_invoice(self, rng, product, model, available, **_context):
        quantity = rng.randint(1, available)
        invoice = self._invoice("out_invoice", [self._line(quantity, product)])
        model.invoices[invoice] = {
            "posted": True,
            "quantity": quantity,
            "lines": model.take(quantity),
        }
        return f"invoice {quantity}"

    def _do_reset(self, rng, model, posted, **_context):
        invoice = rng.choice(posted)
        invoice.button_draft()
        model.give_back(invoice)
        model.invoices[invoice]["posted"] = False
        return f"reset {invoice.name}"

    def _do_repost(self, rng, model, drafts, **_context):
        invoice = rng.choice(drafts)
        data = model.invoices[invoice]
        todo = data["quantity"] - model.credited(invoice)
        if todo > sum(model.lots.values()):
            with self.assertRaises(UserError):
                invoice.action_post()
            return f"repost {invoice.name} refused ({todo})"
        invoice.action_post()
        data["posted"] = True
        data["lines"] += model.take(todo) if todo > 0 else []
        return f"repost {invoice.name} ({todo})"

    def _do_credit(self, rng, model, posted, **_context):
        invoice = rng.choice(posted)
        held = model.held(invoice)
        quantity = rng.choice([held, rng.randint(1, held) if held else 1, held + 1]) or 1
        credit = invoice._reverse_moves([{"invoice_date": fields.Date.today()}])
        credit.invoice_line_ids.quantity = quantity
        if quantity > held:
            with self.assertRaises(UserError):
                credit.action_post()
            model.credits[credit] = {
                "posted": False,
                "invoice": invoice,
                "quantity": quantity,
                "taken": [],
            }
            return f"credit {quantity} of {held} refused"
        credit.action_post()
        model.credits[credit] = {
            "posted": True,
            "invoice": invoice,
            "quantity": quantity,
            "taken": model.credit(invoice, quantity),
        }
        return f"credit {quantity}"

    def _do_credit_toggle(self, rng, model, **_context):
        credit = rng.choice(list(model.credits))
        data = model.credits[credit]
        invoice_posted = model.invoices[data["invoice"]]["posted"]
        if data["posted"]:
            credit.button_draft()
            data["posted"] = False
            if invoice_posted:  # the invoice holds again what the credit note returned
                for line, quantity in data["taken"]:
                    line[2] -= quantity
                    model.lots[line[0]] -= quantity
            data["taken"] = []
            return f"credit {credit.name} back to draft"
        if not invoice_posted:
            credit.action_post()  # the invoice holds nothing: nothing to return
            data["posted"] = True
            return f"credit {credit.name} reposted, nothing to return"
        if data["quantity"] > model.held(data["invoice"]):
            with self.assertRaises(UserError):
                credit.action_post()
            return f"credit {credit.name} repost refused"
        credit.action_post()
        data["posted"] = True
        data["taken"] = model.credit(data["invoice"], data["quantity"])
        return f"credit {credit.name} reposted"

    def test_random_sequences_keep_the_ledger(self):
        rng = random.Random(SEED)
        for index in range(SEQUENCES):
            product = self.articles[rng.choice(["average", "fifo"])]
            with closing(self.env.cr.savepoint()):
                model = Model()
                history = []
                for step in range(STEPS):
                    history.append(self._step(rng, product, model, index, step))
                    self._check(product, model, f"sequence {index}: {' / '.join(history)}")
            self.env.invalidate_all()
