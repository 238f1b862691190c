from odoo import api, fields, models
from odoo.exceptions import ValidationError


class ProductTemplate(models.Model):
    """A BHIMA inventory (article) is an Odoo product template.

    BHIMA field -> Odoo field: code -> ``default_code``, designation -> ``name``,
    group -> ``categ_id``, unit -> ``uom_id``, sale price -> ``list_price``,
    sellable -> ``sale_ok``, stock managed -> ``is_storable``.
    """

    _inherit = "product.template"

    bhima_type_id = fields.Many2one(
        "bhima.inventory.type",
        string="Inventory Type",
        index="btree_not_null",
        ondelete="restrict",
        help="Article, service, assembly...: decides the kind of Odoo product.",
    )
    bhima_consumable = fields.Boolean(
        string="Consumable",
        help="Consumable articles are taken from a patient's invoice into an exit to the patient.",
    )
    bhima_importance = fields.Selection(
        [("low", "Low"), ("mid", "Medium"), ("high", "High")],
        string="Importance",
    )
    bhima_lead_time = fields.Float(
        string="Lead Time (months)",
        default=1.0,
        digits=(16, 2),
        help="Months between an order and its reception; used for the security stock.",
    )
    bhima_purchase_interval = fields.Float(
        string="Purchase Interval (months)",
        digits=(16, 2),
        help="Months between two purchases; used for the maximum stock.",
    )
    bhima_is_asset = fields.Boolean(string="Is an Asset")
    bhima_brand = fields.Char(string="Brand")
    bhima_model = fields.Char(string="Model")
    bhima_note = fields.Text(string="Note")

    _bhima_lead_time_positive = models.Constraint(
        "CHECK(bhima_lead_time >= 0 AND bhima_purchase_interval >= 0)",
        "The lead time and the purchase interval cannot be negative.",
    )

    # ------------------------------------------------------------------
    # CRUD
    # ------------------------------------------------------------------

    @api.model_create_multi
    def create(self, vals_list):
        types = self.env["bhima.inventory.type"]
        for vals in vals_list:
            if not vals.get("bhima_type_id"):
                continue
            missing = []
            if not vals.get("categ_id"):
                missing.append(self.env._("an inventory group"))
            if not vals.get("uom_id"):
                missing.append(self.env._("a unit"))
            if missing:
                raise ValidationError(
                    self.env._(
                        "The article %(name)s needs %(missing)s.",
                        name=vals.get("name") or "",
                        missing=self.env._(" and ").join(missing),
                    )
                )
            type_values = types.browse(vals["bhima_type_id"])._product_values()
            if "is_storable" in vals:
                type_values.pop("is_storable")
            vals.update(type_values)
        templates = super().create(vals_list)
        templates.filtered("bhima_type_id")._bhima_apply_lot_tracking()
        return templates

    def write(self, vals):
        if vals.get("bhima_type_id"):
            type_values = (
                self.env["bhima.inventory.type"].browse(vals["bhima_type_id"])._product_values()
            )
            if "is_storable" in vals:
                type_values.pop("is_storable")
            vals = {**vals, **type_values}
        res = super().write(vals)
        if {"bhima_type_id", "is_storable", "categ_id"} & set(vals):
            self.filtered("bhima_type_id")._bhima_apply_lot_tracking()
        return res

    @api.onchange("bhima_type_id")
    def _onchange_bhima_type_id(self):
        if self.bhima_type_id:
            self.update(self.bhima_type_id._product_values())

    def _bhima_apply_lot_tracking(self):
        """Stock-managed articles are followed by lot (serial number for unique
        items), with expiration dates when their group tracks expiration."""
        for category, templates in self.filtered("is_storable").grouped("categ_id").items():
            tracking = "serial" if category.unique_item else "lot"
            todo = templates.filtered(
                lambda t, tr=tracking, c=category: t.tracking != tr
                or t.use_expiration_date != c.track_expiration
            )
            if todo:
                todo.write(
                    {
                        "tracking": tracking,
                        "use_expiration_date": category.track_expiration,
                    }
                )

    # ------------------------------------------------------------------
    # Constraints
    # ------------------------------------------------------------------

    @api.constrains("default_code", "bhima_type_id")
    def _check_bhima_code_unique(self):
        articles = self.filtered(lambda t: t.bhima_type_id and t.default_code)
        if not articles:
            return
        for article in articles:
            # unique among the articles a company sees: its own and the shared ones
            companies = [article.company_id.id, False] if article.company_id else None
            domain = [("default_code", "=", article.default_code), ("id", "!=", article.id)]
            if companies:
                domain.append(("company_id", "in", companies))
            if self.with_context(active_test=False).sudo().search_count(domain, limit=1):
                raise ValidationError(
                    self.env._(
                        "The article code %(code)s is already used by another article.",
                        code=article.default_code,
                    )
                )

    @api.constrains("categ_id", "is_storable")
    def _check_bhima_group_accounts(self):
        self.filtered("is_storable").categ_id._bhima_check_accounts()

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------

    def action_bhima_add_inventory(self):
        """Open the "Add an inventory" dialog of the inventory register."""
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Add an inventory"),
            "res_model": "product.template",
            "view_mode": "form",
            "views": [
                (
                    self.env.ref("bhima_stock.product_template_view_form_bhima").id,
                    "form",
                )
            ],
            "target": "new",
            "context": {
                "default_bhima_type_id": self.env.ref("bhima_stock.inventory_type_article").id,
                "default_categ_id": False,
                "default_uom_id": False,
            },
        }

    # ------------------------------------------------------------------
    # Article card: stock per depot and per lot, stock sheet (issue 9)
    # ------------------------------------------------------------------

    bhima_stock_status_ids = fields.Many2many(
        "bhima.stock.inventory.register",
        string="Stock per Depot",
        compute="_compute_bhima_stock_rows",
    )
    bhima_lot_register_ids = fields.Many2many(
        "bhima.stock.lot.register",
        string="Stock per Lot",
        compute="_compute_bhima_stock_rows",
    )

    def _compute_bhima_stock_rows(self):
        Status = self.env["bhima.stock.inventory.register"]
        Lots = self.env["bhima.stock.lot.register"]
        for template in self:
            if not template.id or not template.is_storable:
                template.bhima_stock_status_ids = Status
                template.bhima_lot_register_ids = Lots
                continue
            variants = template.product_variant_ids
            template.bhima_stock_status_ids = Status.with_context(
                bhima_product_ids=variants.ids
            ).search([("product_id", "in", variants.ids)])
            template.bhima_lot_register_ids = Lots.search(
                [("product_id", "in", variants.ids), ("quantity", "!=", 0)]
            )

    def action_bhima_stock_sheet(self):
        """The stock sheet of the article in the user's default depot (all depots
        when none)."""
        self.ensure_one()
        return self.env["bhima.stock.sheet"]._bhima_open(
            product=self.product_variant_id, depot=self.env.user._bhima_default_depot()
        )

    def action_bhima_open_stock(self):
        """The article's stock per depot and lot, with expiration dates."""
        self.ensure_one()
        return self.env["bhima.stock.lot.register"]._bhima_action(
            domain=[("product_tmpl_id", "=", self.id)],
            name=self.env._("Stock of %(article)s", article=self.display_name),
            search_default_groupby_depot=1,
            search_default_bhima_articles=0,
        )

    def action_product_tmpl_forecast_report(self):
        """The "On Hand" button of a BHIMA article shows its stock in every depot
        and lot, not the forecast of one warehouse."""
        if len(self) == 1 and self.bhima_type_id and self.is_storable:
            return self.action_bhima_open_stock()
        return super().action_product_tmpl_forecast_report()
