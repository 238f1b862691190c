from odoo import api, models


class BhimaDepotGuardMixin(models.AbstractModel):
    """Refuse, with an error naming the depot, a user who creates or changes
    stock records in a depot they do not manage. The record rules of
    security/bhima_stock_rules.xml enforce the same; this check only makes the
    refusal readable and happens before anything is written."""

    _name = "bhima.depot.guard.mixin"
    _description = "Depot permission guard"
    _bhima_location_fields = ("location_id", "location_dest_id")

    @api.model_create_multi
    def create(self, vals_list):
        if not self.env["stock.warehouse"]._bhima_user_is_unrestricted():
            location_ids = {
                vals[field]
                for vals in vals_list
                for field in self._bhima_location_fields
                if vals.get(field)
            }
            depots = self.env["stock.location"].sudo().browse(location_ids).warehouse_id
            depots.with_env(self.env)._bhima_check_user_can_move()
        return super().create(vals_list)

    def write(self, vals):
        if not self.env["stock.warehouse"]._bhima_user_is_unrestricted():
            records = self.sudo()
            locations = self.env["stock.location"].sudo()
            for field in self._bhima_location_fields:
                locations |= records[field]
                if vals.get(field):
                    locations |= locations.browse(vals[field])
            locations.warehouse_id.with_env(self.env)._bhima_check_user_can_move()
        return super().write(vals)
