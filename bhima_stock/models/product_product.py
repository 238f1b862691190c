from collections import namedtuple

from odoo import api, fields, models
from odoo.tools import SQL

# One valued stock move of a product, as the valuation replays them (date order).
ValuedMove = namedtuple("ValuedMove", "id date value is_in is_out in_qty out_qty origin_move_id")
EPOCH = fields.Datetime.to_datetime("1970-01-01 00:00:00")


class ProductProduct(models.Model):
    """Valuation that a back-dated movement cannot bend.

    Odoo 19 values a product by replaying its moves in date order. bhima_stock
    keeps that replay with two differences, so that the stock account always
    equals the valuation, to the cent, whatever the order of operations:

    - average cost: an exit keeps the value it was posted with (Odoo replays it
      at the running average, unrounded, so the account and the valuation drift
      apart by rounding and by back-dated movements);
    - FIFO: an exit that reverses an entry takes that entry's units (not the
      oldest ones), so that un-validating a supplier invoice nets to zero.

    The cost a product is created with is its initial cost, dated before any
    movement: Odoo dates it at the creation, and an opening stock entered later
    but dated earlier would otherwise be revalued at that cost."""

    _inherit = "product.product"

    @api.model_create_multi
    def create(self, vals_list):
        products = super().create(vals_list)
        products._bhima_date_initial_costs()
        return products

    def _bhima_date_initial_costs(self):
        """Date the cost records written when the products were created before any movement."""
        query = SQL(
            """
            UPDATE product_value pv
               SET date = %(epoch)s
              FROM product_product p
             WHERE pv.product_id = p.id
               AND pv.move_id IS NULL
               AND pv.lot_id IS NULL
               AND pv.create_date = p.create_date
               AND pv.date <> %(epoch)s
            """,
            epoch=EPOCH,
        )
        if self:
            query = SQL("%s AND p.id = ANY(%s)", query, self.ids)
        self.env.flush_all()
        self.env.execute_query(query)
        self.env["product.value"].invalidate_model(["date"])

    # ------------------------------------------------------------------
    # The replay
    # ------------------------------------------------------------------

    def _bhima_valued_moves(self, at_date=None, company=None):
        """The done valued moves of the product in the company, in date order,
        with the quantities Odoo values (picked move lines between a valued and a
        not valued location, not owned by a third party). One query."""
        self.ensure_one()
        company = company or self.env.company
        self.env.flush_all()
        valued = "({alias}.company_id IS NOT NULL AND {alias}.usage IN ('internal', 'transit'))"
        src, dest = valued.format(alias="src"), valued.format(alias="dest")
        rows = self.env.execute_query(
            SQL(
                f"""
                SELECT m.id, m.date, COALESCE(m.value, 0),
                       m.is_in OR m.is_dropship, m.is_out OR m.is_dropship,
                       COALESCE(SUM(ml.quantity_product_uom) FILTER (
                           WHERE m.is_dropship OR (NOT {src} AND {dest})), 0),
                       COALESCE(SUM(ml.quantity_product_uom) FILTER (
                           WHERE m.is_dropship OR ({src} AND NOT {dest})), 0),
                       m.bhima_origin_move_id
                  FROM stock_move m
                  LEFT JOIN stock_move_line ml
                         ON ml.move_id = m.id AND ml.picked
                        AND (ml.owner_id IS NULL OR ml.owner_id = %(partner)s)
                  LEFT JOIN stock_location src ON src.id = ml.location_id
                  LEFT JOIN stock_location dest ON dest.id = ml.location_dest_id
                 WHERE m.product_id = %(product)s
                   AND m.company_id = %(company)s
                   AND m.state = 'done'
                   AND (m.is_in OR m.is_out OR m.is_dropship)
                   AND (%(at_date)s::timestamp IS NULL OR m.date <= %(at_date)s::timestamp)
              GROUP BY m.id
              ORDER BY m.date, m.id
                """,
                product=self.id,
                company=company.id,
                partner=company.partner_id.id,
                at_date=at_date,
            )
        )
        return [ValuedMove(*row) for row in rows]

    def _bhima_manual_costs(self, at_date=None, company=None):
        """[(date, unit cost)] of the manual cost changes (Odoo's product.value
        without move nor lot), in date order."""
        self.ensure_one()
        company = company or self.env.company
        self.env.flush_all()
        return self.env.execute_query(
            SQL(
                """
                SELECT date, value FROM product_value
                 WHERE product_id = %(product)s AND move_id IS NULL AND lot_id IS NULL
                   AND company_id = %(company)s
                   AND (%(at_date)s::timestamp IS NULL OR date <= %(at_date)s::timestamp)
              ORDER BY date, id
                """,
                product=self.id,
                company=company.id,
                at_date=at_date,
            )
        )

    def _bhima_avco_state(self, at_date=None, company=None):
        """(quantity, value, average unit cost) of the product at ``at_date``:
        Odoo's average-cost replay, where each exit removes the value it was
        posted with."""
        self.ensure_one()
        moves = self._bhima_valued_moves(at_date, company)
        costs = list(self._bhima_manual_costs(at_date, company))
        uom = self.uom_id
        quantity = value = average = 0.0
        for move in moves:
            while costs and move.date >= costs[0][0]:
                average = costs.pop(0)[1]
                value = average * quantity
            if move.is_in:
                previous = quantity
                quantity += move.in_qty
                if uom.compare(previous, 0) > 0:
                    value += move.value
                    average = value / quantity if not uom.is_zero(quantity) else average
                else:
                    average = move.value / move.in_qty if move.in_qty else average
                    value = average * quantity
            if move.is_out:
                quantity -= move.out_qty
                value -= move.value
                if uom.compare(quantity, 0) > 0:
                    average = value / quantity
        for _date, cost in costs:
            average = cost
            value = average * quantity
        return quantity, value, average

    def _run_avco(self, at_date=None, lot=None, method="realtime"):
        if lot or method != "realtime":
            return super()._run_avco(at_date=at_date, lot=lot, method=method)
        _quantity, value, average = self._bhima_avco_state(at_date)
        return average, value

    def _bhima_fifo_layers(self, at_date=None, company=None):
        """Replay the product's FIFO layers: ``(layers, out_values)``, where
        ``layers`` is ``[[move id, quantity left, value left]]`` oldest first and
        ``out_values`` the value each exit took. Exits take the oldest units, an
        exit reversing an entry takes that entry's units first."""
        self.ensure_one()
        uom = self.uom_id
        layers, out_values = [], {}
        for move in self._bhima_valued_moves(at_date, company):
            if move.is_in and move.in_qty:
                layers.append([move.id, move.in_qty, move.value])
            if move.is_out and move.out_qty:
                origin = [layer for layer in layers if layer[0] == move.origin_move_id]
                out_values[move.id], _left = self._bhima_fifo_take(
                    origin + [layer for layer in layers if layer not in origin], move.out_qty
                )
                layers = [layer for layer in layers if not uom.is_zero(layer[1])]
        return layers, out_values

    def _bhima_fifo_take(self, layers, quantity):
        """Take ``quantity`` from ``layers`` in order (changing them); returns
        (value taken, quantity that no layer had)."""
        uom = self.uom_id
        taken = 0.0
        for layer in layers:
            if uom.compare(quantity, 0) <= 0:
                break
            if uom.compare(layer[1], 0) <= 0:
                continue
            part = min(quantity, layer[1])
            value = layer[2] if uom.compare(part, layer[1]) >= 0 else layer[2] * part / layer[1]
            layer[1] -= part
            layer[2] -= value
            taken += value
            quantity -= part
        return taken, max(quantity, 0.0)

    def _run_fifo(self, quantity, lot=None, at_date=None, location=None):
        if lot or location or self.uom_id.compare(quantity, 0) <= 0:
            return super()._run_fifo(quantity, lot=lot, at_date=at_date, location=location)
        layers, _out_values = self._bhima_fifo_layers(at_date)
        already = self.env.context.get("fifo_qty_already_processed") or 0.0
        if already:
            self._bhima_fifo_take(layers, already)
        last_unit = next((layer[2] / layer[1] for layer in reversed(layers) if layer[1] > 0), None)
        value, missing = self._bhima_fifo_take(layers, quantity)
        if missing:
            value += missing * (last_unit if last_unit is not None else self.standard_price)
        return value
