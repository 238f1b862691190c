import re

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import SQL

OVERSELL_POLICIES = [
    ("allow", "Allow"),
    ("warn", "Warn the cashier"),
    ("block", "Block the sale"),
]

# Reasons of a manual exit from a stock point -> loss reason of the BHIMA exit
# to loss (flux 11). Every reason is a loss for the point: the stock leaves it
# without being sold; flux 15 (inventory adjustment) stays the result of a count,
# so that "the state of stock since the last count" keeps its meaning.
EXIT_REASONS = [
    ("breakage", "Breakage"),
    ("expired", "Expired"),
    ("corked", "Corked bottle"),
    ("loss", "Loss"),
    ("defective", "Defective"),
    ("other", "Other"),
]
EXIT_LOSS_REASONS = {
    "breakage": "broken",
    "expired": "expired",
    "corked": "corked",
    "loss": "lost",
    "defective": "defective",
    "other": "other",
}
ENTRY_KINDS = [("initial", "Initial Stock"), ("delivery", "Delivery")]


class StockWarehouse(models.Model):
    """A stock point is a BHIMA depot (a warehouse) whose stock the points of
    sale linked to it sell in real time: each linked ``pos.config`` picks from
    the depot's *PoS Orders* operation type, so every register, permission and
    count of the depot applies to the point's stock."""

    _inherit = "stock.warehouse"

    bhima_pos_stock_point = fields.Boolean(
        string="Stock Point",
        index=True,
        help="The points of sale linked to this depot sell its stock in real time; its "
        "current stock, history and alerts are followed under Stock Points.",
    )
    bhima_pos_config_ids = fields.Many2many(
        "pos.config",
        string="Points of Sale",
        compute="_compute_bhima_pos_config_ids",
        inverse="_inverse_bhima_pos_config_ids",
        help="The points of sale that sell the stock of this stock point.",
    )
    bhima_pos_all_configs = fields.Boolean(
        string="All Points of Sale",
        help="Active on every point of sale of the company, including the ones created later.",
    )
    bhima_pos_oversell = fields.Selection(
        OVERSELL_POLICIES,
        string="Selling Beyond Stock",
        default="warn",
        required=True,
        help="What the till does when an order asks for more than the stock of the point: "
        "allow it, warn the cashier (who may go on) or block the sale.",
    )
    bhima_pos_line_ids = fields.One2many(
        "bhima.pos.stock.line", "depot_id", string="Followed Articles"
    )
    bhima_pos_alert_count = fields.Integer(
        string="Alerts", compute="_compute_bhima_pos_alert_count"
    )

    def _compute_bhima_pos_config_ids(self):
        configs = (
            self.env["pos.config"]
            .sudo()
            .search([("bhima_stock_point_id", "in", self.ids)] if self.ids else [("id", "=", 0)])
        )
        for depot in self:
            depot.bhima_pos_config_ids = configs.filtered(
                lambda config, d=depot: config.bhima_stock_point_id.id == d.id
            ).ids

    def _inverse_bhima_pos_config_ids(self):
        Config = self.env["pos.config"].sudo()
        for depot in self:
            linked = Config.search([("bhima_stock_point_id", "=", depot.id)])
            wanted = Config.browse(depot.bhima_pos_config_ids.ids)
            if linked - wanted:
                (linked - wanted).write({"bhima_stock_point_id": False})
            if wanted - linked:
                (wanted - linked).write({"bhima_stock_point_id": depot.id})

    def _compute_bhima_pos_alert_count(self):
        counts = dict(
            self.env["bhima.pos.stock.report"]
            .sudo()
            ._read_group(
                [("depot_id", "in", self.ids), ("is_alert", "=", True)],
                ["depot_id"],
                ["__count"],
            )
        )
        for depot in self:
            depot.bhima_pos_alert_count = counts.get(depot, 0)

    @api.constrains("bhima_pos_all_configs", "bhima_pos_stock_point", "company_id")
    def _check_bhima_pos_all_configs(self):
        for depot in self.filtered("bhima_pos_all_configs"):
            if not depot.bhima_pos_stock_point:
                raise ValidationError(
                    self.env._(
                        "Only a stock point can be active on all points of sale (%(depot)s).",
                        depot=depot.display_name,
                    )
                )
            others = self.search_count(
                [
                    ("id", "!=", depot.id),
                    ("company_id", "=", depot.company_id.id),
                    ("bhima_pos_all_configs", "=", True),
                ]
            )
            if others:
                raise ValidationError(
                    self.env._(
                        "Another stock point of %(company)s is already active on all points of sale.",
                        company=depot.company_id.display_name,
                    )
                )

    # ------------------------------------------------------------------
    # Creating and setting up a stock point
    # ------------------------------------------------------------------

    @api.model_create_multi
    def create(self, vals_list):
        # the points of sale are linked once the depot has its PoS operation type,
        # which Odoo creates after the warehouse itself
        configs = [vals.pop("bhima_pos_config_ids", None) for vals in vals_list]
        for vals in vals_list:
            if vals.get("bhima_pos_stock_point") and not vals.get("code") and vals.get("name"):
                vals["code"] = self._bhima_pos_code(vals["name"], vals.get("company_id"))
        depots = super().create(vals_list)
        depots.filtered("bhima_pos_stock_point")._bhima_pos_setup()
        for depot, commands in zip(depots, configs, strict=True):
            if commands:
                depot.bhima_pos_config_ids = commands
        return depots

    def write(self, vals):
        res = super().write(vals)
        if vals.get("bhima_pos_stock_point") or vals.get("bhima_pos_all_configs"):
            self.filtered("bhima_pos_stock_point")._bhima_pos_setup()
        return res

    @api.model
    def _bhima_pos_code(self, name, company_id=None):
        """A free short name (depot code) made from the stock point's name."""
        base = re.sub(r"[^A-Za-z0-9]", "", name).upper()[:3] or "POS"
        used = set(
            self.with_context(active_test=False)
            .search([("company_id", "=", company_id or self.env.company.id)])
            .mapped("code")
        )
        if base not in used:
            return base
        for number in range(1, 100):
            code = f"{base}{number}"
            if code not in used:
                return code
        raise UserError(self.env._("Give the stock point a short name (code)."))

    def _bhima_pos_setup(self):
        """A depot becomes a stock point: its PoS operation type does not ask the
        cashier for lots (they are taken first expiry first out), the articles
        already in stock are followed, and "all points of sale" links them."""
        Warehouse = self.sudo()
        missing = Warehouse.browse(self.ids).filtered(lambda d: not d.pos_type_id)
        if missing:
            missing._create_missing_pos_picking_types()
        for depot in Warehouse.browse(self.ids):
            picking_type = depot.pos_type_id
            if picking_type.use_create_lots or picking_type.use_existing_lots:
                picking_type.write({"use_create_lots": False, "use_existing_lots": False})
            if depot.bhima_pos_all_configs:
                configs = (
                    self.env["pos.config"]
                    .sudo()
                    .search(
                        [
                            ("company_id", "=", depot.company_id.id),
                            ("bhima_stock_point_id", "!=", depot.id),
                        ]
                    )
                )
                configs.write({"bhima_stock_point_id": depot.id})
        balances = self._bhima_pos_quant_totals()
        self.env["bhima.pos.stock.line"]._bhima_ensure(
            {(depot_id, product_id) for depot_id, product_id in balances}
        )

    # ------------------------------------------------------------------
    # Stock of a point
    # ------------------------------------------------------------------

    def _bhima_pos_holds(self, location):
        """Whether ``location`` holds the stock of this depot: an internal
        location under its stock location."""
        self.ensure_one()
        stock = self.sudo().lot_stock_id
        return (
            location.usage == "internal"
            and bool(location.parent_path)
            and location.parent_path.startswith(stock.parent_path)
        )

    def _bhima_pos_quant_totals(self, products=None):
        """{(depot id, product id): quantity in stock} for these depots: the
        quants of the internal locations under their stock locations."""
        if not self:
            return {}
        rows = self.env.execute_query(
            SQL(
                """
                SELECT w.id, q.product_id, SUM(q.quantity)
                  FROM stock_warehouse w
                  JOIN stock_location ws ON ws.id = w.lot_stock_id
                  JOIN stock_location l ON l.parent_path LIKE ws.parent_path || '%%'
                                       AND l.usage = 'internal'
                  JOIN stock_quant q ON q.location_id = l.id
                 WHERE w.id = ANY(%(depots)s) AND (%(all)s OR q.product_id = ANY(%(products)s))
              GROUP BY w.id, q.product_id
                """,
                depots=self.ids,
                all=products is None,
                products=products.ids if products is not None else [],
            )
        )
        return {(depot, product): quantity for depot, product, quantity in rows}

    def _bhima_pos_stock_rows(self, products=None, alerts_only=False):
        """The current stock of the point, one dict per followed article."""
        self.ensure_one()
        domain = [("depot_id", "=", self.id)]
        if products is not None:
            domain.append(("product_id", "in", products.ids))
        if alerts_only:
            domain.append(("is_alert", "=", True))
        Report = self.env["bhima.pos.stock.report"].sudo()
        Report.invalidate_model()  # a view: its rows change with the stock
        return [row._bhima_values() for row in Report.search(domain)]

    def _bhima_pos_empty_row(self, product):
        """The row of an article the point does not follow yet."""
        self.ensure_one()
        template = product.product_tmpl_id
        threshold = template.bhima_pos_alert_threshold
        return {
            "product_id": product.id,
            "product_tmpl_id": template.id,
            "name": product.display_name,
            "quantity": 0.0,
            "units": 0,
            "parts": 0.0,
            "parts_per_unit": template.bhima_parts_per_unit or 1,
            "uom": template.uom_id.name,
            "whole_uom": template.bhima_whole_uom_id.name or template.uom_id.name,
            "display": template._bhima_pos_format(0.0),
            "alert_threshold": threshold,
            "alert": bool(template.is_storable),
            "tracked": bool(template.is_storable),
            "last_purchase_price": 0.0,
            "total_value": 0.0,
        }

    def _bhima_pos_check_point(self):
        self.ensure_one()
        if not self.sudo().bhima_pos_stock_point:
            raise UserError(
                self.env._("The depot %(depot)s is not a stock point.", depot=self.display_name)
            )

    def _bhima_pos_lines(self, lines, what):
        """The lines of an RPC entry or exit: a non-empty list of dicts."""
        if not lines:
            raise UserError(
                self.env._("An entry needs at least one line.")
                if what == "entry"
                else self.env._("An exit needs at least one line.")
            )
        if not isinstance(lines, (list, tuple)) or not all(
            isinstance(line, dict) for line in lines
        ):
            raise UserError(
                self.env._(
                    'The lines must be a list of objects such as {"product_id": 42, "quantity": 3}.'
                )
            )
        return lines

    def _bhima_pos_product(self, product_id):
        """The article of an RPC line, or a clear error."""
        if not isinstance(product_id, int) or isinstance(product_id, bool):
            raise UserError(self.env._("Each line needs the id of its article (product_id)."))
        product = self.env["product.product"].browse(product_id).exists()
        if not product:
            raise UserError(self.env._("The article %(id)s does not exist.", id=product_id))
        return product

    def _bhima_pos_check_number(self, value, article, field, positive=True):
        """A number of an RPC line (``field``: quantity, parts, unit_price or
        threshold), or a clear error naming the article."""
        labels = {
            "quantity": self.env._("quantity"),
            "parts": self.env._("number of parts"),
            "unit_price": self.env._("unit price"),
            "threshold": self.env._("alert threshold"),
        }
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise UserError(
                self.env._(
                    "%(article)s: the %(field)s must be a number, not %(value)s.",
                    article=article.display_name,
                    field=labels[field],
                    value=value,
                )
            )
        if positive and value <= 0:
            raise UserError(
                self.env._(
                    "%(article)s: the %(field)s must be greater than zero (%(value)s).",
                    article=article.display_name,
                    field=labels[field],
                    value=value,
                )
            )
        if value < 0:
            raise UserError(
                self.env._(
                    "%(article)s: the %(field)s cannot be negative (%(value)s).",
                    article=article.display_name,
                    field=labels[field],
                    value=value,
                )
            )
        return value

    def _bhima_pos_products_with_history(self, products):
        """The articles among ``products`` that already moved in this point."""
        self.ensure_one()
        stock = self.sudo().lot_stock_id
        rows = self.env.execute_query(
            SQL(
                """
                SELECT DISTINCT sml.product_id
                  FROM stock_move_line sml
                  JOIN stock_location src ON src.id = sml.location_id
                  JOIN stock_location dest ON dest.id = sml.location_dest_id
                 WHERE sml.state = 'done' AND sml.product_id = ANY(%(products)s)
                   AND ((src.usage = 'internal' AND src.parent_path LIKE %(path)s)
                     OR (dest.usage = 'internal' AND dest.parent_path LIKE %(path)s))
                """,
                products=products.ids,
                path=stock.parent_path + "%",
            )
        )
        return products.browse([row[0] for row in rows])

    # ------------------------------------------------------------------
    # API: stock, entries, exits, history (XML-RPC / JSON-2)
    # ------------------------------------------------------------------

    def bhima_pos_stock(self, alerts_only=False, product_ids=None):
        """Current stock of this stock point: one dict per followed article with
        ``product_id``, ``name``, ``quantity`` (in the article's unit),
        ``units`` and ``parts`` (whole units and remaining parts), ``display``,
        ``alert_threshold``, ``alert``, ``tracked``, ``last_purchase_price``
        (per whole unit) and ``total_value``. ``alerts_only``: only the
        articles at or below their threshold."""
        self.ensure_one()
        self.check_access("read")
        self._bhima_pos_check_point()
        products = None
        if product_ids:
            products = self.env["product.product"].concat(
                *(self._bhima_pos_product(product_id) for product_id in product_ids)
            )
        return self._bhima_pos_stock_rows(products, alerts_only=alerts_only)

    def bhima_pos_entry(self, kind, lines, partner_id=False, description=False):
        """A manual entry into this stock point, as a BHIMA movement: ``kind``
        "initial" (initial stock, flux 13, the first entry of an article here)
        or "delivery" (flux 1, ``partner_id`` = the supplier). ``lines``:
        ``[{"product_id", "quantity" (whole units), "unit_price" (per whole
        unit, excluding tax), "lot_name", "expiration_date"}]``. Returns
        ``{"id", "name", "move_ids", "value"}``; nothing is written on error."""
        self.ensure_one()
        self._bhima_pos_check_point()
        if kind not in dict(ENTRY_KINDS):
            raise UserError(
                self.env._(
                    "The kind of entry must be 'initial' or 'delivery', not %(kind)s.", kind=kind
                )
            )
        partner = self.env["res.partner"]
        if partner_id:
            if not isinstance(partner_id, int) or isinstance(partner_id, bool):
                raise UserError(self.env._("The supplier must be given by its id (partner_id)."))
            partner = partner.browse(partner_id).exists()
            if not partner:
                raise UserError(self.env._("The supplier %(id)s does not exist.", id=partner_id))
        if kind == "delivery" and not partner:
            raise UserError(self.env._("A delivery needs its supplier."))
        self._bhima_pos_lines(lines, "entry")
        values = []
        products = self.env["product.product"]
        for line in lines:
            product = self._bhima_pos_product(line.get("product_id"))
            template = product.product_tmpl_id
            parts = template.bhima_parts_per_unit or 1
            quantity = self._bhima_pos_check_number(line.get("quantity"), product, "quantity")
            if parts > 1 and not float(quantity).is_integer():
                raise UserError(
                    self.env._(
                        "Enter %(article)s in whole units (%(unit)s).",
                        article=product.display_name,
                        unit=template.bhima_whole_uom_id.name,
                    )
                )
            price = line.get("unit_price")
            if price is None or price is False:
                price = product.standard_price * parts
            price = self._bhima_pos_check_number(price, product, "unit_price", positive=False)
            if not product.is_storable:
                raise UserError(
                    self.env._(
                        "The stock of %(article)s is not managed: switch its stock management "
                        "on before entering it.",
                        article=product.display_name,
                    )
                )
            value = {
                "product_id": product.id,
                "quantity": quantity * parts,
                "unit_cost": price / parts,
            }
            if product.tracking != "none":
                value["lot_name"] = line.get("lot_name") or self._bhima_pos_lot_name()
                if line.get("expiration_date"):
                    value["expiration_date"] = line["expiration_date"]
            values.append(value)
            products |= product
        if kind == "initial":
            already = self._bhima_pos_products_with_history(products)
            if already:
                raise UserError(
                    self.env._(
                        "%(articles)s already have stock history at %(point)s: record a "
                        "delivery instead of an initial stock.",
                        articles=", ".join(already.mapped("display_name")),
                        point=self.display_name,
                    )
                )
        flux = self.env.ref("bhima_stock.flux_13" if kind == "initial" else "bhima_stock.flux_1")
        return self.env["bhima.stock.movement"].create_and_validate(
            {
                "flux_id": flux.id,
                "depot_id": self.id,
                "company_id": self.company_id.id,
                "partner_id": partner.id,
                "description": description
                or (self.env._("Initial stock") if kind == "initial" else self.env._("Delivery")),
                "line_ids": values,
            }
        )

    def _bhima_pos_lot_name(self):
        return f"{self.code}-{fields.Date.context_today(self).strftime('%Y%m%d')}"

    def bhima_pos_exit(self, reason, lines, comment=False):
        """A manual exit from this stock point, as a BHIMA exit to loss (flux 11)
        whose loss reason follows ``reason``: breakage, expired, corked, loss,
        defective or other (a comment is then required). ``lines``:
        ``[{"product_id", "quantity" (whole units), "parts" (portions, for an
        article sold in portions), "lot_id" (optional; else first expiry
        first out)}]``. Returns ``{"id", "name", "move_ids", "value"}``."""
        self.ensure_one()
        self._bhima_pos_check_point()
        if reason not in EXIT_LOSS_REASONS:
            raise UserError(
                self.env._(
                    "The reason of an exit must be one of %(reasons)s, not %(reason)s.",
                    reasons=", ".join(EXIT_LOSS_REASONS),
                    reason=reason,
                )
            )
        if reason == "other" and not comment:
            raise UserError(self.env._("Say why in a comment when the reason is 'other'."))
        self._bhima_pos_lines(lines, "exit")
        values = []
        for line in lines:
            product = self._bhima_pos_product(line.get("product_id"))
            parts_per_unit = product.bhima_parts_per_unit or 1
            units = line.get("quantity") or 0
            parts = line.get("parts") or 0
            self._bhima_pos_check_number(units, product, "quantity", positive=False)
            self._bhima_pos_check_number(parts, product, "parts", positive=False)
            quantity = units * parts_per_unit + parts
            if product.uom_id.compare(quantity, 0) <= 0:
                raise UserError(
                    self.env._(
                        "The quantity of %(article)s must be greater than zero.",
                        article=product.display_name,
                    )
                )
            value = {"product_id": product.id, "quantity": quantity}
            if line.get("lot_id"):
                lot = self.env["stock.lot"].browse(line["lot_id"]).exists()
                if not lot or lot.product_id != product:
                    raise UserError(
                        self.env._(
                            "The lot %(id)s is not a lot of %(article)s.",
                            id=line["lot_id"],
                            article=product.display_name,
                        )
                    )
                value["lot_id"] = lot.id
            values.append(value)
        label = dict(self._fields_get_exit_reasons())[reason]
        return self.env["bhima.stock.movement"].create_and_validate(
            {
                "flux_id": self.env.ref("bhima_stock.flux_11").id,
                "depot_id": self.id,
                "company_id": self.company_id.id,
                "loss_reason": EXIT_LOSS_REASONS[reason],
                "description": comment or label,
                "line_ids": values,
            }
        )

    def _fields_get_exit_reasons(self):
        """The exit reasons with their translated labels."""
        return self.env["bhima.pos.stock.exit"]._fields["reason"]._description_selection(self.env)

    def bhima_pos_history(self, date_from=False, date_to=False, product_ids=None, limit=500):
        """Every entry and exit of this stock point, sales included, newest
        first: ``date``, ``product_id``, ``name``, ``lot``, ``kind`` (sale,
        refund, initial, delivery, loss, adjustment, transfer, other_entry,
        other_exit), ``loss_reason``, ``quantity`` (signed, in the article's
        unit), ``display``, ``reference``, ``partner``, ``comment``,
        ``pos_order``, ``tracked``."""
        self.ensure_one()
        self.check_access("read")
        self._bhima_pos_check_point()
        domain = [("depot_id", "=", self.id)]
        if date_from:
            domain.append(("date", ">=", date_from))
        if date_to:
            domain.append(("date", "<=", date_to))
        if product_ids:
            products = [self._bhima_pos_product(product_id) for product_id in product_ids]
            domain.append(("product_id", "in", [product.id for product in products]))
        History = self.env["bhima.pos.stock.history"].sudo()
        History.invalidate_model()
        return [row._bhima_values() for row in History.search(domain, limit=limit)]

    def bhima_pos_remove_line(self, product_id, comment=False):
        """Delete a line of the current stock: the article's stock goes to zero
        through an exit to loss (traced in the history) and the article leaves
        the current stock until its next movement. Returns the loss movement's
        id, or False when there was nothing in stock."""
        self.ensure_one()
        self._bhima_pos_check_point()
        self._bhima_check_user_can_move()
        product = self._bhima_pos_product(product_id)
        quantity = self._bhima_pos_quant_totals(product).get((self.id, product.id), 0.0)
        if product.uom_id.compare(quantity, 0) < 0:
            raise UserError(
                self.env._(
                    "The stock of %(article)s at %(point)s is negative (%(quantity)s): record an "
                    "entry before deleting the line.",
                    article=product.display_name,
                    point=self.display_name,
                    quantity=product.product_tmpl_id._bhima_pos_format(quantity),
                )
            )
        movement_id = False
        with self.env.cr.savepoint():
            if product.uom_id.compare(quantity, 0) > 0:
                wizard = self.env["bhima.stock.remove.line"].create(
                    {
                        "depot_id": self.id,
                        "product_id": product.id,
                        "reason": "other",
                        "comment": comment
                        or self.env._("Stock line deleted at %(point)s", point=self.display_name),
                    }
                )
                movement_id = wizard.action_confirm()["res_id"]
            lines = (
                self.env["bhima.pos.stock.line"]
                .sudo()
                .search([("depot_id", "=", self.id), ("product_id", "=", product.id)])
            )
            lines.active = False
        return movement_id

    def bhima_pos_set_tracking(self, product_id, tracked):
        """Switch the stock management of an article on or off (its "stock
        managed" flag, Odoo's ``is_storable``): off, it sells without limit and
        its quantities stay as they are; on again, without any entry, it finds
        them unchanged. Needs the right to edit articles."""
        self.ensure_one()
        self._bhima_pos_check_point()
        product = self._bhima_pos_product(product_id)
        product.product_tmpl_id._bhima_pos_set_tracking(bool(tracked))
        return True

    def bhima_pos_set_alert_threshold(self, product_id, threshold):
        """The alert threshold of an article at this stock point, in whole units
        (``False`` to use the article's own threshold again)."""
        self.ensure_one()
        self._bhima_pos_check_point()
        self._bhima_check_user_can_move()
        return self.sudo()._bhima_pos_set_threshold(self._bhima_pos_product(product_id), threshold)

    def _bhima_pos_set_threshold(self, product, threshold):
        self.ensure_one()
        line = self.env["bhima.pos.stock.line"]._bhima_ensure(
            {(self.id, product.id)}, reactivate=False
        )
        if threshold is False or threshold is None:
            line.write({"own_threshold": False, "own_alert_threshold": 0.0})
            return True
        self._bhima_pos_check_number(threshold, product, "threshold", positive=False)
        line.write({"own_threshold": True, "own_alert_threshold": threshold})
        return True

    # ------------------------------------------------------------------
    # The state of stock since the last count (the till)
    # ------------------------------------------------------------------

    def _bhima_pos_since_count(self, alerts_only=False):
        """Per followed article: the last count (an inventory count or
        adjustment) and what moved since, by kind, with the stock now."""
        self.ensure_one()
        history = self.env["bhima.pos.stock.history"]
        rows = self.env.execute_query(
            SQL(
                """
                WITH h AS (SELECT * FROM (%(history)s) history
                            WHERE history.depot_id = %(depot)s AND NOT history.untracked),
                     counted AS (SELECT DISTINCT ON (product_id) product_id, date, id
                                   FROM h WHERE kind = 'adjustment'
                               ORDER BY product_id, date DESC, id DESC),
                     since AS (
                         SELECT h.product_id,
                                SUM(CASE WHEN h.kind IN ('initial', 'delivery', 'other_entry')
                                              OR (h.kind = 'transfer' AND h.quantity > 0)
                                         THEN h.quantity ELSE 0 END) AS entries,
                                SUM(CASE WHEN h.kind IN ('sale', 'refund')
                                         THEN -h.quantity ELSE 0 END) AS sold,
                                SUM(CASE WHEN h.kind IN ('loss', 'other_exit')
                                              OR (h.kind = 'transfer' AND h.quantity < 0)
                                         THEN -h.quantity ELSE 0 END) AS exits,
                                SUM(h.quantity) AS net
                           FROM h LEFT JOIN counted ON counted.product_id = h.product_id
                          WHERE counted.product_id IS NULL
                             OR (h.date, h.id) > (counted.date, counted.id)
                       GROUP BY h.product_id)
                SELECT COALESCE(since.product_id, counted.product_id), counted.date,
                       COALESCE(since.entries, 0), COALESCE(since.sold, 0),
                       COALESCE(since.exits, 0), COALESCE(since.net, 0)
                  FROM since FULL JOIN counted ON counted.product_id = since.product_id
                """,
                history=history._table_query,
                depot=self.id,
            )
        )
        since = {
            product_id: (date, entries, sold, exits, net)
            for product_id, date, entries, sold, exits, net in rows
        }
        result = []
        stock_rows = self._bhima_pos_stock_rows(alerts_only=alerts_only)
        templates = self.env["product.template"].browse(
            {row["product_tmpl_id"] for row in stock_rows}
        )
        for row in stock_rows:
            date, entries, sold, exits, net = since.get(
                row["product_id"], (False, 0.0, 0.0, 0.0, 0.0)
            )
            template = templates.browse(row["product_tmpl_id"]).with_prefetch(
                templates._prefetch_ids
            )
            counted = row["quantity"] - net
            row.update(
                {
                    "counted_at": fields.Datetime.to_string(date) if date else False,
                    "counted": counted,
                    "counted_display": template._bhima_pos_format(counted),
                    "entries": entries,
                    "entries_display": template._bhima_pos_format(entries),
                    "sold": sold,
                    "sold_display": template._bhima_pos_format(sold),
                    "exits": exits,
                    "exits_display": template._bhima_pos_format(exits),
                }
            )
            result.append(row)
        return result

    # ------------------------------------------------------------------
    # Actions of the back office
    # ------------------------------------------------------------------

    def action_bhima_pos_current_stock(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "bhima_stock_pos.bhima_pos_stock_report_action"
        )
        action["domain"] = [("depot_id", "=", self.id)]
        action["context"] = {"default_depot_id": self.id, "bhima_pos_depot_id": self.id}
        action["display_name"] = self.env._("Current Stock: %(point)s", point=self.display_name)
        return action

    def action_bhima_pos_alerts(self):
        action = self.action_bhima_pos_current_stock()
        action["context"] = dict(action["context"], search_default_alerts=1)
        return action

    def action_bhima_pos_history(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "bhima_stock_pos.bhima_pos_stock_history_action"
        )
        action["domain"] = [("depot_id", "=", self.id)]
        action["display_name"] = self.env._("Stock History: %(point)s", point=self.display_name)
        return action

    def action_bhima_pos_entry(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Stock Entry"),
            "res_model": "bhima.pos.stock.entry",
            "view_mode": "form",
            "target": "new",
            "context": {"default_depot_id": self.id},
        }
