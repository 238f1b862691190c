from odoo import fields, models


class AccountMoveLine(models.Model):
    _inherit = "account.move.line"

    bhima_depot_id = fields.Many2one(
        "stock.warehouse",
        string="Depot",
        check_company=True,
        help="The depot this line moves stock in; empty: the document's depot, else the "
        "user's default depot, else the company's first depot.",
    )
    bhima_lot_name = fields.Char(
        string="Lot",
        help="Supplier invoices: the lot the goods enter under (default: the invoice number).",
    )
    bhima_expiration_date = fields.Date(
        string="Expiration Date",
        help="Supplier invoices: the expiration date of the lot, required when the "
        "article's group tracks expiration.",
    )
    bhima_processed_move_ids = fields.Many2many(
        "stock.move",
        "bhima_invoice_line_processed_move_rel",
        "invoice_line_id",
        "move_id",
        string="Processed Order Moves",
        readonly=True,
        copy=False,
        help="Moves of the order's pending deliveries or receipts this line validated "
        "(sale and purchase glue modules); un-validating the document returns them.",
    )
    bhima_movement_line_ids = fields.One2many(
        "bhima.stock.movement.line", "invoice_line_id", string="Stock Movement Lines", readonly=True
    )

    def _bhima_stock_split(self):
        """How much of this line's quantity (in the product's unit) the document
        must move itself: ``{"done": quantity already moved by a delivery or a
        receipt, "done_by": what moved it, "pending": [(stock.move, quantity)]
        to process from an order's pending delivery or receipt, "direct":
        quantity to move with a BHIMA movement}``. Extended by the sale and
        purchase glue modules."""
        self.ensure_one()
        quantity = self.product_uom_id._compute_quantity(self.quantity, self.product_id.uom_id)
        return {"done": 0.0, "done_by": "", "pending": [], "direct": quantity}

    def _bhima_stock_booked_balance(self):
        """What this posted line books on its article's stock valuation account, in
        the company's currency (debit positive): the cost of goods sold of a
        customer invoice or credit note, the line itself on a supplier invoice or
        credit note. Zero under periodic valuation."""
        self.ensure_one()
        product = self.product_id.with_company(self.company_id)
        stock_account = product.product_tmpl_id.get_product_accounts()["stock_valuation"]
        if not stock_account or product.valuation != "real_time":
            return 0.0
        if self.move_id.is_purchase_document(include_receipts=True):
            lines = self if self.account_id == stock_account else self.browse()
        else:
            lines = self.move_id.line_ids.filtered(
                lambda aml: aml.display_type == "cogs"
                and aml.cogs_origin_id == self
                and aml.account_id == stock_account
            )
        return sum(lines.mapped("balance"))

    def _bhima_credited_quantity(self):
        """The quantity (article's unit) that validated credit notes returned from
        what this invoice line moved and still hold: a re-validated invoice takes
        out only the rest."""
        self.ensure_one()
        returns = (
            self.env["bhima.stock.movement.line"]
            .sudo()
            .search(
                [
                    ("origin_line_id.invoice_line_id", "=", self.id),
                    ("movement_id.state", "=", "done"),
                    ("movement_id.reversal_of_id", "=", False),
                    ("movement_id.account_move_id", "!=", self.move_id.id),
                ]
            )
        )
        return sum(line._bhima_outstanding() for line in returns)

    def _bhima_order_depot(self):
        """The depot of the order this line comes from (sale and purchase glue)."""
        self.ensure_one()
        return self.env["stock.warehouse"]

    def _bhima_split_by_order(self, split, done_in, done_out, other_lines, pending_moves, done_by):
        """Complete ``split`` for a line of an order (sale and purchase glue):
        ``done_in`` / ``done_out``: the quantities the order's done deliveries or
        receipts moved in the line's direction and back; ``other_lines``: the
        order's lines on other posted documents (credit notes count negative);
        ``pending_moves``: the order's pending moves in the line's direction.
        What the done moves cover beyond what the other documents took moves
        nothing; the rest comes first from the pending moves, then directly."""
        product = self.product_id
        quantity = split["direct"]
        taken = sum(
            line.product_uom_id._compute_quantity(line.quantity, product.uom_id)
            * (-1 if line.move_id.move_type in ("out_refund", "in_refund") else 1)
            for line in other_lines
        )
        covered = max(0.0, min(quantity, done_in - done_out - taken))
        rest = quantity - covered
        pending = []
        for move in pending_moves.sorted("id"):
            if product.uom_id.compare(rest, 0) <= 0:
                break
            take = min(move.product_qty, rest)
            pending.append((move, take))
            rest -= take
        split.update({"done": covered, "done_by": done_by, "pending": pending, "direct": rest})
        return split
