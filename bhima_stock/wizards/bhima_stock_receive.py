from odoo import api, fields, models
from odoo.exceptions import UserError


class BhimaStockReceive(models.TransientModel):
    """Receive a transfer from another depot: the quantity received per lot
    (what is still in transit by default)."""

    _name = "bhima.stock.receive"
    _description = "Receive a Transfer"

    transfer_id = fields.Many2one(
        "bhima.stock.movement",
        string="Transfer",
        required=True,
        readonly=True,
        domain="[('flux_code', '=', 8), ('state', '=', 'done')]",
    )
    depot_id = fields.Many2one(related="transfer_id.dest_depot_id", string="Receiving Depot")
    from_depot_id = fields.Many2one(related="transfer_id.depot_id", string="From Depot")
    line_ids = fields.One2many("bhima.stock.receive.line", "wizard_id", string="Lots")

    @api.model
    def default_get(self, fields_list):
        values = super().default_get(fields_list)
        transfer_id = values.get("transfer_id") or (
            self.env.context.get("active_model") == "bhima.stock.movement"
            and self.env.context.get("active_id")
        )
        if not transfer_id:
            return values
        transfer = self.env["bhima.stock.movement"].browse(transfer_id)
        values["transfer_id"] = transfer.id
        if "line_ids" in fields_list:
            sent = {}
            for line in transfer.line_ids:
                key = (line.product_id, line.lot_id)
                sent[key] = sent.get(key, 0.0) + line.quantity
            values["line_ids"] = [
                (
                    0,
                    0,
                    {
                        "product_id": product.id,
                        "lot_id": lot.id,
                        "quantity_sent": sent.get((product, lot), 0.0),
                        "quantity_remaining": remaining,
                        "quantity": remaining,
                    },
                )
                for (product, lot), remaining in transfer._bhima_transfer_remaining().items()
                if remaining > 0
            ]
        return values

    def action_confirm(self):
        """Create and validate the reception; open it."""
        self.ensure_one()
        for line in self.line_ids:
            if (
                line.quantity < 0
                or line.product_id.uom_id.compare(line.quantity, line.quantity_remaining) > 0
            ):
                raise UserError(
                    self.env._(
                        "Lot %(lot)s of %(article)s: receive between 0 and %(remaining)s.",
                        lot=line.lot_id.name or "-",
                        article=line.product_id.display_name,
                        remaining=line.product_id.uom_id._bhima_format(line.quantity_remaining),
                    )
                )
        if not any(line.quantity for line in self.line_ids):
            raise UserError(self.env._("Give the quantity received of at least one lot."))
        reception_id = self.transfer_id.action_receive(
            quantities={line.lot_id.id: line.quantity for line in self.line_ids}
        )
        return self.env["bhima.stock.movement"].browse(reception_id)._bhima_form_action()
