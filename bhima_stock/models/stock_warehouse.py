from collections import defaultdict

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import SQL

# Movement kinds a depot may allow, and the field that allows each of them.
MOVEMENT_KIND_FIELDS = {
    "entry_purchase": "bhima_allow_entry_purchase",
    "entry_donation": "bhima_allow_entry_donation",
    "entry_integration": "bhima_allow_entry_integration",
    "entry_transfer": "bhima_allow_entry_transfer",
    "exit_patient": "bhima_allow_exit_patient",
    "exit_service": "bhima_allow_exit_service",
    "exit_transfer": "bhima_allow_exit_transfer",
    "exit_loss": "bhima_allow_exit_loss",
}


class StockWarehouse(models.Model):
    """A BHIMA depot is an Odoo warehouse: sales, purchases, the point of sale and
    transfers already work per warehouse, and its stock location holds the quants."""

    _inherit = "stock.warehouse"

    bhima_description = fields.Text(string="Description")
    bhima_parent_id = fields.Many2one(
        "stock.warehouse",
        string="Parent Depot",
        index="btree_not_null",
        ondelete="restrict",
        check_company=True,
        help="Groups depots; the managers and supervisors of a depot also manage "
        "and supervise its sub-depots.",
    )
    bhima_child_ids = fields.One2many("stock.warehouse", "bhima_parent_id", string="Sub-depots")
    bhima_is_warehouse = fields.Boolean(
        string="Is a Warehouse",
        help="A warehouse supplies other depots: its transfers out count as consumption.",
    )
    bhima_allow_entry_purchase = fields.Boolean(string="Entry from Purchase", default=True)
    bhima_allow_entry_donation = fields.Boolean(string="Entry from Donation", default=True)
    bhima_allow_entry_integration = fields.Boolean(string="Entry from Integration", default=True)
    bhima_allow_entry_transfer = fields.Boolean(string="Entry from Another Depot", default=True)
    bhima_allow_exit_patient = fields.Boolean(string="Exit to Patient", default=True)
    bhima_allow_exit_service = fields.Boolean(string="Exit to Service", default=True)
    bhima_allow_exit_transfer = fields.Boolean(string="Exit to Another Depot", default=True)
    bhima_allow_exit_loss = fields.Boolean(string="Exit to Loss", default=True)
    bhima_min_months_security_stock = fields.Float(
        string="Minimum Months of Security Stock",
        default=lambda self: self.env.company.bhima_default_min_months_security_stock,
        help="The minimum stock of an article in this depot is its security stock "
        "times this number.",
    )
    bhima_default_purchase_interval = fields.Float(
        string="Default Purchase Interval (months)",
        help="Months between two purchases for this depot; used for the maximum stock.",
    )
    bhima_allow_negative_stock = fields.Boolean(
        string="Allow Negative Stock",
        help="Exits may take more than the stock of a lot in this depot.",
    )
    bhima_manager_ids = fields.Many2many(
        "res.users",
        "bhima_depot_manager_rel",
        "warehouse_id",
        "user_id",
        string="Managers",
        help="Users who move stock in this depot (and its sub-depots).",
    )
    bhima_supervisor_ids = fields.Many2many(
        "res.users",
        "bhima_depot_supervisor_rel",
        "warehouse_id",
        "user_id",
        string="Supervisors",
        help="Users who see the stock of this depot (and its sub-depots) without moving it.",
    )
    bhima_distribution_depot_ids = fields.Many2many(
        "stock.warehouse",
        "bhima_depot_distribution_rel",
        "warehouse_id",
        "dest_warehouse_id",
        string="Distribution Depots",
        check_company=True,
        help="With strict depot distribution, the only depots this depot may send stock to.",
    )
    # Effective permissions, own and inherited from the parent depots: what the
    # record rules read (security/bhima_stock_rules.xml).
    bhima_manager_all_ids = fields.Many2many(
        "res.users",
        "bhima_depot_manager_all_rel",
        "warehouse_id",
        "user_id",
        string="All Managers",
        compute="_compute_bhima_access",
        store=True,
        recursive=True,
    )
    bhima_viewer_all_ids = fields.Many2many(
        "res.users",
        "bhima_depot_viewer_all_rel",
        "warehouse_id",
        "user_id",
        string="All Managers and Supervisors",
        compute="_compute_bhima_access",
        store=True,
        recursive=True,
    )

    _bhima_min_months_positive = models.Constraint(
        "CHECK(bhima_min_months_security_stock > 0)",
        "The minimum months of security stock of a depot must be greater than zero.",
    )
    _bhima_purchase_interval_positive = models.Constraint(
        "CHECK(bhima_default_purchase_interval >= 0)",
        "The purchase interval of a depot cannot be negative.",
    )

    @api.depends(
        "bhima_manager_ids",
        "bhima_supervisor_ids",
        "bhima_parent_id.bhima_manager_all_ids",
        "bhima_parent_id.bhima_viewer_all_ids",
    )
    def _compute_bhima_access(self):
        for depot in self:
            managers = depot.bhima_manager_ids | depot.bhima_parent_id.bhima_manager_all_ids
            depot.bhima_manager_all_ids = managers
            depot.bhima_viewer_all_ids = (
                managers | depot.bhima_supervisor_ids | depot.bhima_parent_id.bhima_viewer_all_ids
            )

    @api.constrains("bhima_parent_id")
    def _check_bhima_parent(self):
        if self._has_cycle("bhima_parent_id"):
            raise ValidationError(self.env._("A depot cannot be its own parent depot."))

    # ------------------------------------------------------------------
    # Permission checks used by every stock movement
    # ------------------------------------------------------------------

    @api.model
    def _bhima_user_is_unrestricted(self):
        return self.env.su or self.env.user.has_group("bhima_stock.bhima_stock_group_manager")

    @api.model
    def _bhima_user_moves_by_hand(self):
        """Whether the depot permission applies to what the current user does to
        stock records: it applies to stock users (Inventory, BHIMA) moving stock by
        hand, not to the standard flows Odoo runs for users of other apps (a buyer
        confirming an order, a salesperson, an accountant, a cashier). BHIMA
        movements and commercial documents that move stock always check it."""
        return not self._bhima_user_is_unrestricted() and self.env.user.has_group(
            "stock.group_stock_user"
        )

    def _bhima_check_user_can_move(self):
        """Raise unless the current user manages every depot of ``self``."""
        if self._bhima_user_is_unrestricted():
            return
        user = self.env.user
        for depot in self.sudo():
            if user not in depot.bhima_manager_all_ids:
                raise AccessError(
                    self.env._(
                        "You are not allowed to move stock in the depot %(depot)s: "
                        "ask a stock manager to make you one of its managers.",
                        depot=depot.display_name,
                    )
                )

    def _bhima_check_open(self):
        """Archived depots refuse movements."""
        closed = self.sudo().filtered(lambda d: not d.active)
        if closed:
            raise UserError(
                self.env._(
                    "The depot %(depot)s is archived: it accepts no stock movement.",
                    depot=closed[0].display_name,
                )
            )

    def _bhima_check_allows(self, kind):
        """Raise unless every depot of ``self`` allows the movement ``kind``
        (a key of MOVEMENT_KIND_FIELDS)."""
        field = MOVEMENT_KIND_FIELDS[kind]
        refused = self.sudo().filtered(lambda d: not d[field])
        if refused:
            raise UserError(
                self.env._(
                    "The depot %(depot)s does not allow movements of the type %(kind)s.",
                    depot=refused[0].display_name,
                    kind=self._fields[field].get_description(self.env)["string"],
                )
            )

    def _bhima_check_distribution(self, destination):
        """With strict depot distribution, ``self`` may only send stock to its
        distribution depots."""
        self.ensure_one()
        depot = self.sudo()
        if (
            depot.company_id.bhima_strict_depot_distribution
            and destination
            and destination != depot
            and destination not in depot.bhima_distribution_depot_ids
        ):
            raise UserError(
                self.env._(
                    "The depot %(depot)s may not send stock to the depot %(destination)s "
                    "(strict depot distribution).",
                    depot=depot.display_name,
                    destination=destination.display_name,
                )
            )

    # ------------------------------------------------------------------
    # The stock of a depot: what lies in the internal locations under its
    # stock location. Lot choice, negative checks, previews, registers and
    # reports all count it this way, and movements take it from there.
    # ------------------------------------------------------------------

    def _bhima_stock_location_sql(self, alias):
        """SQL condition: the location ``alias`` holds stock of this depot."""
        self.ensure_one()
        return SQL(
            "(%(usage)s = 'internal' AND %(path)s LIKE %(prefix)s)",
            usage=SQL.identifier(alias, "usage"),
            path=SQL.identifier(alias, "parent_path"),
            prefix=f"{self.sudo().lot_stock_id.parent_path}%",
        )

    def _bhima_quant_domain(self):
        """Domain of the quants that make the depot's stock."""
        self.ensure_one()
        return [
            ("location_id", "child_of", self.sudo().lot_stock_id.id),
            ("location_id.usage", "=", "internal"),
        ]

    def _bhima_lock_quants(self, products):
        """Lock the depot's quants of ``products`` until the end of the
        transaction and return them as ``[(product id, lot id or None, location
        id, quantity)]``: a validation that checks the stock reads it under lock,
        so that two validations at once never both take the same units (the
        second one waits, then is retried by Odoo and sees the first)."""
        self.ensure_one()
        if not products:
            return []
        self.env["stock.quant"].flush_model()
        return self.env.execute_query(
            SQL(
                """
                SELECT q.product_id, q.lot_id, q.location_id, q.quantity
                  FROM stock_quant q
                  JOIN stock_location loc ON loc.id = q.location_id
                 WHERE q.product_id = ANY(%(products)s) AND %(in_depot)s
              ORDER BY q.id
                   FOR NO KEY UPDATE OF q
                """,
                products=list(products.ids),
                in_depot=self._bhima_stock_location_sql("loc"),
            )
        )

    def _bhima_lot_balances(self, product_ids, lot_ids, date):
        """Stock of the depot per (product id, lot id or None), from the done
        move lines: ``{key: (balance at date, lowest balance after date or None)}``
        (``lot_ids`` None: every lot).
        One query; the lowest later balance tells whether a back-dated exit would
        make a later balance negative."""
        self.ensure_one()
        if not product_ids:
            return {}
        self.env["stock.move.line"].flush_model()
        rows = self.env.execute_query(
            SQL(
                """
                WITH deltas AS (
                    SELECT sml.product_id, sml.lot_id, sml.date,
                           SUM(CASE WHEN %(dest_in)s THEN sml.quantity_product_uom ELSE 0 END
                             - CASE WHEN %(src_in)s THEN sml.quantity_product_uom ELSE 0 END) AS delta
                      FROM stock_move_line sml
                      JOIN stock_location src ON src.id = sml.location_id
                      JOIN stock_location dest ON dest.id = sml.location_dest_id
                     WHERE sml.state = 'done'
                       AND sml.product_id = ANY(%(products)s)
                       AND (%(lots)s::int[] IS NULL OR sml.lot_id = ANY(%(lots)s) OR sml.lot_id IS NULL)
                       AND (%(src_in)s OR %(dest_in)s)
                  GROUP BY sml.product_id, sml.lot_id, sml.date
                ), running AS (
                    SELECT product_id, lot_id, date,
                           SUM(delta) OVER (PARTITION BY product_id, lot_id ORDER BY date) AS balance
                      FROM deltas
                )
                SELECT product_id, lot_id,
                       COALESCE((ARRAY_AGG(balance ORDER BY date DESC) FILTER (WHERE date <= %(date)s))[1], 0),
                       MIN(balance) FILTER (WHERE date > %(date)s)
                  FROM running
              GROUP BY product_id, lot_id
                """,
                src_in=self._bhima_stock_location_sql("src"),
                dest_in=self._bhima_stock_location_sql("dest"),
                products=list(product_ids),
                lots=None if lot_ids is None else list(lot_ids),
                date=date,
            )
        )
        return {(product, lot): (at_date, lowest) for product, lot, at_date, lowest in rows}

    def _bhima_browse_keys(self, quantities):
        """``{(product id, lot id or None): quantity}`` keyed by records instead,
        browsed together so that reading their fields takes one query per model,
        not one per record."""
        products = self.env["product.product"].sudo().browse({key[0] for key in quantities})
        lots = self.env["stock.lot"].sudo().browse({key[1] for key in quantities if key[1]})
        return {
            (
                products.browse(product_id).with_prefetch(products._prefetch_ids),
                lots.browse(lot_id).with_prefetch(lots._prefetch_ids),
            ): quantity
            for (product_id, lot_id), quantity in quantities.items()
        }

    def _bhima_available_lots(self, products, day, allow_expired=False, quants=None, at_date=None):
        """{product: [(lot, quantity)]}: the lots in stock in the depot now, in
        first-expiry-first-out order (earliest expiration, then lot name);
        expired lots only when ``allow_expired`` (losses). ``quants``: the
        result of ``_bhima_lock_quants`` when the caller holds it. ``at_date``: a
        back-dated exit, which may take of a lot what it held at that date and
        still holds at every later date."""
        self.ensure_one()
        if at_date:
            totals = self._bhima_browse_keys(
                {
                    key: min(at_date_qty, lowest if lowest is not None else at_date_qty)
                    for key, (at_date_qty, lowest) in self._bhima_lot_balances(
                        products.ids, None, at_date
                    ).items()
                }
            )
        elif quants is None:
            groups = (
                self.env["stock.quant"]
                .sudo()
                ._read_group(
                    [("product_id", "in", products.ids), *self._bhima_quant_domain()],
                    ["product_id", "lot_id"],
                    ["quantity:sum"],
                )
            )
            totals = {(product, lot): quantity for product, lot, quantity in groups}
        else:
            totals = defaultdict(float)
            for product_id, lot_id, _location_id, quantity in quants:
                totals[(product_id, lot_id)] += quantity
            totals = self._bhima_browse_keys(totals)
        result = defaultdict(list)
        for (product, lot), quantity in totals.items():
            if not lot or product.uom_id.compare(quantity, 0) <= 0:
                continue
            if not allow_expired and lot._bhima_is_expired(day):
                continue
            result[product].append((lot, quantity))
        for lots in result.values():
            lots.sort(
                key=lambda item: (
                    not item[0].expiration_date,
                    item[0].expiration_date or 0,
                    item[0].name,
                )
            )
        return result

    def _bhima_fefo_allocation(
        self, requests, day, allow_expired=False, taken=None, available=None
    ):
        """Allocate ``requests`` ([(product, quantity)], in product units) over
        the depot's lots, first expiry first out. ``taken``: {(product, lot):
        quantity} already used; ``available``: the result of
        ``_bhima_available_lots`` when the caller has it. Returns ``(allocations, shortages)``:
        [(request index, product, lot, quantity)] and [(request index, product,
        missing quantity)]."""
        self.ensure_one()
        products = self.env["product.product"].concat(*(product for product, _qty in requests))
        if available is None:
            available = self._bhima_available_lots(products, day, allow_expired)
        taken = defaultdict(float, taken or {})
        allocations, shortages = [], []
        for index, (product, quantity) in enumerate(requests):
            remaining = quantity
            for lot, on_hand in available.get(product, []):
                free = on_hand - taken[(product, lot)]
                if product.uom_id.compare(free, 0) <= 0:
                    continue
                part = min(free, remaining)
                taken[(product, lot)] += part
                remaining -= part
                allocations.append((index, product, lot, part))
                if product.uom_id.compare(remaining, 0) <= 0:
                    break
            if product.uom_id.compare(remaining, 0) > 0:
                shortages.append((index, product, remaining))
        return allocations, shortages

    def _bhima_shortage_message(self, shortages):
        """The error for the ``shortages`` of ``_bhima_fefo_allocation``."""
        self.ensure_one()
        return self.env._(
            "Not enough usable stock in the depot %(depot)s:\n%(lines)s",
            depot=self.display_name,
            lines="\n".join(
                self.env._(
                    "- %(article)s: %(missing)s %(unit)s missing",
                    article=product.display_name,
                    missing=product.uom_id._bhima_format(quantity),
                    unit=product.uom_id.name,
                )
                for _index, product, quantity in shortages
            ),
        )

    # ------------------------------------------------------------------
    # Balances of many depots and lots at once (counts, imports,
    # aggregated consumption, assignments). A depot's stock is what lies in
    # the internal locations under its stock location.
    # ------------------------------------------------------------------

    @api.model
    def _bhima_current_balances(self, depot_ids, product_ids=None):
        """``{(depot id, product id, lot id or None): quantity}`` on hand now in
        the depots, from the quants, in one query."""
        if not depot_ids:
            return {}
        self.env["stock.quant"].flush_model(["quantity", "location_id", "product_id", "lot_id"])
        rows = self.env.execute_query(
            SQL(
                """
                SELECT w.id, q.product_id, q.lot_id, SUM(q.quantity)
                  FROM stock_warehouse w
                  JOIN stock_location ws ON ws.id = w.lot_stock_id
                  JOIN stock_location l ON l.parent_path LIKE ws.parent_path || '%%'
                                       AND l.usage = 'internal'
                  JOIN stock_quant q ON q.location_id = l.id
                 WHERE w.id = ANY(%(depots)s)
                   AND (%(all_products)s OR q.product_id = ANY(%(products)s))
              GROUP BY w.id, q.product_id, q.lot_id
                HAVING SUM(q.quantity) != 0
                """,
                depots=list(depot_ids),
                all_products=product_ids is None,
                products=list(product_ids or []),
            )
        )
        return {(depot, product, lot): quantity for depot, product, lot, quantity in rows}

    def _bhima_balances_at(self, date, product_ids=None):
        """``{(product id, lot id or None): quantity}`` in the depot at ``date``
        (included), from the done move lines, in one query."""
        self.ensure_one()
        self.env["stock.move.line"].flush_model()
        rows = self.env.execute_query(
            SQL(
                """
                WITH inside AS (
                    SELECT l.id
                      FROM stock_location l
                      JOIN stock_location ws ON ws.id = %(stock)s
                     WHERE l.parent_path LIKE ws.parent_path || '%%' AND l.usage = 'internal'
                )
                SELECT sml.product_id, sml.lot_id,
                       SUM(CASE WHEN sml.location_dest_id IN (SELECT id FROM inside)
                                THEN sml.quantity_product_uom ELSE 0 END
                         - CASE WHEN sml.location_id IN (SELECT id FROM inside)
                                THEN sml.quantity_product_uom ELSE 0 END)
                  FROM stock_move_line sml
                 WHERE sml.state = 'done'
                   AND sml.date <= %(date)s
                   AND (sml.location_id IN (SELECT id FROM inside)
                        OR sml.location_dest_id IN (SELECT id FROM inside))
                   AND (%(all_products)s OR sml.product_id = ANY(%(products)s))
              GROUP BY sml.product_id, sml.lot_id
                """,
                stock=self.lot_stock_id.id,
                date=date,
                all_products=product_ids is None,
                products=list(product_ids or []),
            )
        )
        return {(product, lot): quantity for product, lot, quantity in rows if quantity}

    # ------------------------------------------------------------------
    # Dashboard, alerts and digest (issue 9)
    # ------------------------------------------------------------------

    bhima_count_stock_out = fields.Integer(
        string="Out of Stock", compute="_compute_bhima_dashboard"
    )
    bhima_count_security = fields.Integer(
        string="Security Stock Reached", compute="_compute_bhima_dashboard"
    )
    bhima_count_minimum = fields.Integer(
        string="Minimum Stock Reached", compute="_compute_bhima_dashboard"
    )
    bhima_count_to_order = fields.Integer(string="To Order", compute="_compute_bhima_dashboard")
    bhima_count_expiring = fields.Integer(
        string="Lots Expiring Soon", compute="_compute_bhima_dashboard"
    )
    bhima_count_expired = fields.Integer(string="Expired Lots", compute="_compute_bhima_dashboard")
    bhima_count_at_risk = fields.Integer(
        string="Articles with Lots at Risk", compute="_compute_bhima_dashboard"
    )
    bhima_count_to_receive = fields.Integer(
        string="Transfers to Receive", compute="_compute_bhima_dashboard"
    )
    bhima_alerts_checked_on = fields.Date(
        string="Alerts Checked On",
        readonly=True,
        copy=False,
        help="Last day the daily stock alerts checked this depot.",
    )
    bhima_digest_sent_on = fields.Date(
        string="Digest Sent On",
        readonly=True,
        copy=False,
        help="Last day the weekly digest of this depot was sent.",
    )

    def _compute_bhima_dashboard(self):
        counts = {}
        depots = self.filtered("id")
        if depots:
            ledger = self.env["bhima.stock.ledger"]
            ledger._bhima_flush()
            rows = self.env.execute_query(
                SQL(
                    """
                    SELECT r.depot_id,
                           COUNT(*) FILTER (WHERE r.status = 'stock_out'),
                           COUNT(*) FILTER (WHERE r.status = 'security_reached'),
                           COUNT(*) FILTER (WHERE r.status = 'minimum_reached'),
                           COUNT(*) FILTER (WHERE r.quantity_to_order > 0),
                           COALESCE(SUM(r.lots_expiring_soon), 0),
                           COALESCE(SUM(r.lots_expired), 0),
                           COUNT(*) FILTER (WHERE r.lots_at_risk > 0)
                      FROM (%s) r
                  GROUP BY r.depot_id
                    """,
                    ledger._bhima_register_sql(depots.sudo(), ledger._bhima_today()),
                )
            )
            counts = {row[0]: row[1:] for row in rows}
            receptions = dict(
                self.env["bhima.stock.movement"]
                .sudo()
                ._read_group(
                    [
                        ("flux_id.code", "=", 8),
                        ("state", "=", "done"),
                        ("transfer_state", "in", ("in_transit", "partial")),
                        ("dest_depot_id", "in", depots.ids),
                    ],
                    ["dest_depot_id"],
                    ["__count"],
                )
            )
        for depot in self:
            values = counts.get(depot.id, (0,) * 7)
            depot.bhima_count_stock_out = values[0]
            depot.bhima_count_security = values[1]
            depot.bhima_count_minimum = values[2]
            depot.bhima_count_to_order = values[3]
            depot.bhima_count_expiring = values[4]
            depot.bhima_count_expired = values[5]
            depot.bhima_count_at_risk = values[6]
            depot.bhima_count_to_receive = receptions.get(depot, 0) if depots else 0

    def action_bhima_dashboard_open(self):
        """Open the register behind a dashboard count (``bhima_open`` in the context)."""
        self.ensure_one()
        what = self.env.context.get("bhima_open")
        depots = self
        if what in ("expiring_soon", "expired_lots", "lots"):
            filters = {"expiring_soon": "expiring_soon", "expired_lots": "expired"}
            extra = {f"search_default_{filters[what]}": 1} if what in filters else {}
            return self.env["bhima.stock.lot.register"]._bhima_action(
                depots=depots, name=self.display_name, **extra
            )
        if what == "to_receive":
            action = self.env["ir.actions.act_window"]._for_xml_id(
                "bhima_stock.bhima_stock_movement_action_entry_transfer"
            )
            action["domain"] = [
                ("flux_id.code", "=", 8),
                ("state", "=", "done"),
                ("transfer_state", "in", ("in_transit", "partial")),
                ("dest_depot_id", "=", self.id),
            ]
            action["context"] = {"create": False}
            return action
        if what == "value":
            return self.env["bhima.stock.value.report"]._bhima_action(depots=depots)
        filters = {
            "stock_out": "out_of_stock",
            "security": "at_risk_out_stock",
            "minimum": "minimum_reached",
            "to_order": "require_po",
            "at_risk": "at_risk_expiration",
        }
        extra = {f"search_default_{filters[what]}": 1} if what in filters else {}
        return self.env["bhima.stock.inventory.register"]._bhima_action(
            depots=depots, name=self.display_name, **extra
        )

    def _bhima_send_digest(self, template):
        """The weekly digest of the depot to each of its managers, in their language."""
        self.ensure_one()
        for user in self.bhima_manager_all_ids.filtered(lambda u: u.active and not u.share):
            if not user.partner_id.email:
                continue
            template.with_context(bhima_digest_lang=user.lang or "en_US").send_mail(
                self.id,
                email_values={"recipient_ids": [(6, 0, user.partner_id.ids)]},
            )
