from odoo import api, fields, models
from odoo.exceptions import ValidationError


class ProductTemplate(models.Model):
    """Articles sold at stock points: an alert threshold, and parts per unit for
    articles sold in portions.

    Parts per unit use Odoo's units of measure: the article's unit is the
    portion it is sold in (a glass, a tablet) and its *whole unit* is a bigger
    unit of the same reference, ``parts`` times the portion (a bottle of 5
    glasses, a blister of 10 tablets). The quants count portions, so that
    selling one portion takes exactly 1/parts of a whole unit, with no
    rounding, and the remaining parts of an opened unit are the quantity
    modulo ``parts``. Entries are made in whole units."""

    _inherit = "product.template"

    bhima_pos_alert_threshold = fields.Float(
        string="Stock Alert Threshold",
        digits="Product Unit",
        help="In whole units: a stock point shows this article in alert when its stock there "
        "is at or below this quantity. A stock point may set its own threshold.",
    )
    bhima_whole_uom_id = fields.Many2one(
        "uom.uom",
        string="Whole Unit",
        help="For an article sold in portions (a glass from a bottle, a tablet from a "
        "blister): the unit it is entered and counted in, a multiple of its unit of "
        "measure (the portion sold). Example: unit Glass, whole unit Bottle of 5 glasses.",
    )
    bhima_parts_per_unit = fields.Integer(
        string="Parts per Unit",
        compute="_compute_bhima_parts_per_unit",
        store=True,
        help="How many portions (units of measure) make one whole unit.",
    )
    bhima_pos_saved_tracking = fields.Char(
        string="Saved Lot Tracking",
        copy=False,
        help="The lot tracking the article had when its stock management was switched "
        "off at a stock point; restored when it is switched on again.",
    )

    @api.depends("bhima_whole_uom_id", "uom_id")
    def _compute_bhima_parts_per_unit(self):
        for template in self:
            whole, unit = template.bhima_whole_uom_id, template.uom_id
            if whole and unit and whole != unit and whole._has_common_reference(unit):
                template.bhima_parts_per_unit = round(whole.factor / unit.factor)
            else:
                template.bhima_parts_per_unit = 1

    @api.constrains("bhima_whole_uom_id", "uom_id")
    def _check_bhima_whole_uom(self):
        for template in self.filtered("bhima_whole_uom_id"):
            whole, unit = template.bhima_whole_uom_id, template.uom_id
            ratio = whole.factor / unit.factor if whole._has_common_reference(unit) else 0
            if whole == unit or ratio < 2 or abs(ratio - round(ratio)) > 1e-6:
                raise ValidationError(
                    self.env._(
                        "The whole unit %(whole)s of %(article)s must contain a whole number "
                        "(2 or more) of its unit %(unit)s.",
                        whole=whole.name,
                        article=template.display_name,
                        unit=unit.name,
                    )
                )

    # ------------------------------------------------------------------
    # Quantities in whole units and parts
    # ------------------------------------------------------------------

    def _bhima_pos_split(self, quantity):
        """(whole units, remaining parts) of ``quantity`` (in the article's unit);
        a negative quantity keeps its sign on both."""
        self.ensure_one()
        parts = self.bhima_parts_per_unit or 1
        rounded = self.uom_id.round(quantity)
        sign = -1 if rounded < 0 else 1
        units, rest = divmod(abs(rounded), parts)
        return sign * int(units), sign * self.uom_id.round(rest)

    def _bhima_pos_format(self, quantity):
        """The quantity as a user reads it: "3 Bottle of 5 + 2 Glass" for an
        article sold in portions, "12 Units" otherwise."""
        self.ensure_one()
        rounded = self.uom_id.round(quantity)
        if (self.bhima_parts_per_unit or 1) <= 1:
            return f"{self._bhima_pos_number(rounded)} {self.uom_id.name}"
        units, parts = self._bhima_pos_split(rounded)
        if not parts:
            return f"{units} {self.bhima_whole_uom_id.name}"
        return self.env._(
            "%(units)s %(whole)s + %(parts)s %(part)s",
            units=units,
            whole=self.bhima_whole_uom_id.name,
            parts=self._bhima_pos_number(parts),
            part=self.uom_id.name,
        )

    @api.model
    def _bhima_pos_number(self, value):
        return int(value) if float(value).is_integer() else value

    def _bhima_pos_set_tracking(self, tracked):
        """Switch the stock management (``is_storable``) off or on. Odoo drops
        the lot tracking of an article that is not stock-managed: it is saved
        and restored."""
        for template in self:
            if template.is_storable == tracked:
                continue
            if not tracked:
                template.write(
                    {"bhima_pos_saved_tracking": template.tracking, "is_storable": False}
                )
                continue
            template.write({"is_storable": True})
            saved = template.bhima_pos_saved_tracking
            values = {"bhima_pos_saved_tracking": False}
            if saved and saved != "none" and template.tracking == "none":
                values["tracking"] = saved
            template.write(values)

    # ------------------------------------------------------------------
    # Point of sale
    # ------------------------------------------------------------------

    @api.model
    def _load_pos_data_fields(self, config_id):
        return [
            *super()._load_pos_data_fields(config_id),
            "bhima_pos_alert_threshold",
            "bhima_parts_per_unit",
        ]

    def get_product_info_pos(self, price, quantity, pos_config_id, product_variant_id=False):
        """The product information of the till, with the stock of the article at
        the stock point of the point of sale, read now."""
        result = super().get_product_info_pos(
            price, quantity, pos_config_id, product_variant_id=product_variant_id
        )
        config = self.env["pos.config"].browse(pos_config_id)
        point = config.sudo().bhima_stock_point_id
        if point:
            product = (
                self.env["product.product"].browse(product_variant_id)
                if product_variant_id
                else self.product_variant_id
            )
            rows = point._bhima_pos_stock_rows(product)
            result["bhima_stock_point"] = rows[0] if rows else point._bhima_pos_empty_row(product)
        return result
