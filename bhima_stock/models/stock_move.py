from odoo import models


class StockMove(models.Model):
    _name = "stock.move"
    _inherit = ["stock.move", "bhima.depot.guard.mixin"]

    def _action_done(self, cancel_backorder=False):
        self._bhima_check_depots()
        return super()._action_done(cancel_backorder=cancel_backorder)

    def _bhima_check_depots(self):
        """Before stock moves: the depots are open, managed by the user, allow
        the kind of movement, and (strict distribution) may send to each other."""
        moves = self.filtered(lambda m: m.state not in ("done", "cancel"))
        depots = (moves.location_id | moves.location_dest_id).sudo().warehouse_id.with_env(self.env)
        depots._bhima_check_open()
        depots._bhima_check_user_can_move()
        for depot, kind in {pair for move in moves for pair in move._bhima_movement_kinds()}:
            depot._bhima_check_allows(kind)
        for move in moves:
            source = move.location_id.warehouse_id
            destination = move.location_dest_id.warehouse_id
            if source and destination and source != destination:
                source._bhima_check_distribution(destination)

    def _bhima_movement_kinds(self):
        """The (depot, kind) pairs of a move, checked against the entry and exit
        types its depots allow (MOVEMENT_KIND_FIELDS)."""
        self.ensure_one()
        source, destination = self.location_id, self.location_dest_id
        src_depot, dest_depot = source.warehouse_id, destination.warehouse_id
        kinds = []
        if src_depot and destination.usage == "customer":
            kinds.append((src_depot, "exit_patient"))
        if source.usage == "supplier" and dest_depot:
            kinds.append((dest_depot, "entry_purchase"))
        if src_depot and (
            destination.usage == "transit" or (dest_depot and dest_depot != src_depot)
        ):
            kinds.append((src_depot, "exit_transfer"))
        if dest_depot and (source.usage == "transit" or (src_depot and src_depot != dest_depot)):
            kinds.append((dest_depot, "entry_transfer"))
        return kinds
