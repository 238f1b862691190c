from odoo import api, fields, models
from odoo.exceptions import ValidationError


class ProductCategory(models.Model):
    """A BHIMA inventory group is an Odoo product category.

    The category already carries the three accounts BHIMA puts on a group:
    income (``property_account_income_categ_id``), expense
    (``property_account_expense_categ_id``) and stock valuation
    (``property_stock_valuation_account_id``).
    """

    _inherit = "product.category"

    bhima_code = fields.Char(
        string="Group Code",
        index="btree_not_null",
        copy=False,
        help="Unique code of the inventory group, as in BHIMA.",
    )
    track_expiration = fields.Boolean(
        default=True,
        help="Articles of this group are managed by lots with an expiration date: "
        "an entry requires an expiration date that is not in the past.",
    )
    track_consumption = fields.Boolean(
        default=True,
        help="The lots of this group are checked for the risk of expiring before they "
        "are used up at the average monthly consumption.",
    )
    unique_item = fields.Boolean(
        help="Each item of this group is unique (equipment, assets): its lots are serial numbers.",
    )
    depreciation_rate = fields.Float(
        string="Depreciation Rate (%/year)",
        digits=(16, 2),
        help="Yearly depreciation rate applied to assets of this group.",
    )
    bhima_article_count = fields.Integer(string="Articles", compute="_compute_bhima_article_count")

    _bhima_code_uniq = models.Constraint(
        "UNIQUE(bhima_code)", "The code of an inventory group must be unique."
    )
    _depreciation_rate_range = models.Constraint(
        "CHECK(depreciation_rate >= 0 AND depreciation_rate <= 100)",
        "The depreciation rate must be between 0 and 100 percent.",
    )

    def _compute_bhima_article_count(self):
        counts = dict(
            self.env["product.template"]._read_group(
                [("categ_id", "in", self.ids)], ["categ_id"], ["__count"]
            )
        )
        for category in self:
            category.bhima_article_count = counts.get(category, 0)

    @api.constrains(
        "property_valuation",
        "property_stock_valuation_account_id",
        "property_account_expense_categ_id",
    )
    def _check_bhima_real_time_accounts(self):
        self._bhima_check_accounts()

    def _bhima_check_accounts(self):
        """Refuse a real-time valued group holding stock-managed articles
        without its stock and expense accounts."""
        if not self:
            return
        groups = self.env["product.template"]._read_group(
            [("categ_id", "in", self.ids), ("is_storable", "=", True)], ["categ_id"]
        )
        for (category,) in groups:
            category = category.with_company(self.env.company)
            if category.property_valuation != "real_time":
                continue
            missing = []
            if not category.property_stock_valuation_account_id:
                missing.append(self.env._("stock account"))
            if not category.property_account_expense_categ_id:
                missing.append(self.env._("expense account"))
            if missing:
                raise ValidationError(
                    self.env._(
                        "The inventory group %(group)s holds stock-managed articles "
                        "valued in real time: set its %(accounts)s.",
                        group=category.display_name,
                        accounts=self.env._(" and ").join(missing),
                    )
                )

    def action_open_bhima_articles(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "bhima_stock.product_template_action_bhima_register"
        )
        action["domain"] = [("categ_id", "=", self.id)]
        action["context"] = {"default_categ_id": self.id}
        return action
