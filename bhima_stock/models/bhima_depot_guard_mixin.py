from odoo import api, models


class BhimaDepotGuardMixin(models.AbstractModel):
    """Refuse, with an error naming the depot, a user who creates or changes
    stock records in a depot they do not manage. The record rules of
    security/bhima_stock_rules.xml enforce the same; this check only makes the
    refusal readable and happens before anything is written.

    The depots are found through ``_bhima_location_fields`` (stock locations)
    and ``_bhima_depot_fields`` (warehouses)."""

    _name = "bhima.depot.guard.mixin"
    _description = "Depot permission guard"
    _bhima_location_fields = ("location_id", "location_dest_id")
    _bhima_depot_fields = ()

    def _bhima_depots_from_values(self, vals_list):
        location_ids = {
            vals[f] for vals in vals_list for f in self._bhima_location_fields if vals.get(f)
        }
        depot_ids = {vals[f] for vals in vals_list for f in self._bhima_depot_fields if vals.get(f)}
        locations = self.env["stock.location"].sudo().browse(location_ids)
        return locations.warehouse_id | self.env["stock.warehouse"].sudo().browse(depot_ids)

    def _bhima_depots_of_records(self):
        records = self.sudo()
        depots = self.env["stock.warehouse"].sudo()
        for field in self._bhima_location_fields:
            depots |= records[field].warehouse_id
        for field in self._bhima_depot_fields:
            depots |= records[field]
        return depots

    @api.model_create_multi
    def create(self, vals_list):
        if self.env["stock.warehouse"]._bhima_user_moves_by_hand():
            self._bhima_depots_from_values(vals_list).with_env(
                self.env
            )._bhima_check_user_can_move()
        return super().create(vals_list)

    def write(self, vals):
        if self.env["stock.warehouse"]._bhima_user_moves_by_hand():
            depots = self._bhima_depots_of_records() | self._bhima_depots_from_values([vals])
            depots.with_env(self.env)._bhima_check_user_can_move()
        return super().write(vals)
