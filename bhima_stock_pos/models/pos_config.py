from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError


class PosConfig(models.Model):
    """A point of sale linked to a stock point sells the point's stock: it picks
    from the depot's *PoS Orders* operation type, in real time."""

    _inherit = "pos.config"

    bhima_stock_point_id = fields.Many2one(
        "stock.warehouse",
        string="Stock Point",
        index="btree_not_null",
        ondelete="restrict",
        check_company=True,
        domain="[('bhima_pos_stock_point', '=', True)]",
        help="The stock point whose stock this point of sale sells: each order takes it "
        "at once, lots first expiry first out.",
    )
    bhima_stock_point_name = fields.Char(
        related="bhima_stock_point_id.name", string="Stock Point Name"
    )
    bhima_pos_oversell = fields.Selection(
        related="bhima_stock_point_id.bhima_pos_oversell", string="Selling Beyond Stock"
    )

    @api.constrains("bhima_stock_point_id", "company_id")
    def _check_bhima_stock_point(self):
        for config in self:
            point = config.bhima_stock_point_id
            if point and not point.bhima_pos_stock_point:
                raise ValidationError(
                    self.env._(
                        "The depot %(depot)s is not a stock point.", depot=point.display_name
                    )
                )
            everywhere = self.env["stock.warehouse"].search(
                [
                    ("company_id", "=", config.company_id.id),
                    ("bhima_pos_all_configs", "=", True),
                ],
                limit=1,
            )
            if everywhere and point != everywhere:
                raise ValidationError(
                    self.env._(
                        "The stock point %(point)s is active on all points of sale: untick "
                        "'All Points of Sale' on it before linking %(config)s elsewhere.",
                        point=everywhere.display_name,
                        config=config.display_name,
                    )
                )

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if "bhima_stock_point_id" not in vals:
                company_id = vals.get("company_id") or self.env.company.id
                everywhere = (
                    self.env["stock.warehouse"]
                    .sudo()
                    .search(
                        [("company_id", "=", company_id), ("bhima_pos_all_configs", "=", True)],
                        limit=1,
                    )
                )
                if everywhere:
                    vals["bhima_stock_point_id"] = everywhere.id
        configs = super().create(vals_list)
        configs.filtered("bhima_stock_point_id")._bhima_apply_stock_point()
        return configs

    def write(self, vals):
        if "bhima_stock_point_id" in vals:
            changing = self.filtered(
                lambda c: c.bhima_stock_point_id.id != (vals["bhima_stock_point_id"] or False)
            )
            open_session = changing.session_ids.filtered(lambda s: s.state != "closed")[:1]
            if open_session:
                raise UserError(
                    self.env._(
                        "Close the session of %(config)s before changing its stock point.",
                        config=open_session.config_id.display_name,
                    )
                )
        res = super().write(vals)
        if vals.get("bhima_stock_point_id"):
            self._bhima_apply_stock_point()
        return res

    def _bhima_apply_stock_point(self):
        """Pick from the stock point's PoS operation type."""
        for config in self:
            point = config.bhima_stock_point_id.sudo()
            if not point.pos_type_id:
                point._bhima_pos_setup()
            values = {}
            if config.picking_type_id != point.pos_type_id:
                values["picking_type_id"] = point.pos_type_id.id
            if config.warehouse_id != point:
                values["warehouse_id"] = point.id
            if values:
                super(PosConfig, config).write(values)
        return True

    # ------------------------------------------------------------------
    # For the till
    # ------------------------------------------------------------------

    def _bhima_pos_point(self):
        """The stock point of this point of sale, for a user of it."""
        self.ensure_one()
        self.check_access("read")
        return self.sudo().bhima_stock_point_id

    def bhima_pos_stock_state(self):
        """The stock now of the articles followed at the stock point of this
        point of sale (see ``stock.warehouse.bhima_pos_stock``)."""
        point = self._bhima_pos_point()
        return point._bhima_pos_stock_rows() if point else []

    def bhima_pos_stock_since_count(self, alerts_only=False):
        """The state of stock since the last count: per article, the count, the
        entries, sales and exits since, and the stock now."""
        point = self._bhima_pos_point()
        return point._bhima_pos_since_count(alerts_only=alerts_only) if point else []

    def bhima_pos_set_alert_threshold(self, product_id, threshold):
        """Set an article's alert threshold at the stock point, from the till."""
        point = self._bhima_pos_point()
        if not point:
            raise UserError(self.env._("%(config)s has no stock point.", config=self.display_name))
        if not self.env.user.has_group("point_of_sale.group_pos_user"):
            raise AccessError(self.env._("Only the users of the point of sale may do this."))
        return point._bhima_pos_set_threshold(point._bhima_pos_product(product_id), threshold)
