from odoo import api, fields, models
from odoo.exceptions import UserError

# Odoo product values set on an article by the product type of its inventory type.
PRODUCT_TYPE_VALUES = {
    "storable": {"type": "consu", "is_storable": True},
    "consumable": {"type": "consu", "is_storable": False},
    "service": {"type": "service", "is_storable": False},
}


class BhimaInventoryType(models.Model):
    _name = "bhima.inventory.type"
    _description = "BHIMA Inventory Type"
    _order = "sequence, id"

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    description = fields.Text(translate=True)
    product_type = fields.Selection(
        [
            ("storable", "Storable goods (stock managed)"),
            ("consumable", "Goods without stock"),
            ("service", "Service"),
        ],
        required=True,
        default="storable",
        help="The kind of Odoo product an article of this type is: storable goods "
        "are managed in stock, by lot; goods without stock and services are not.",
    )
    is_predefined = fields.Boolean(
        string="Predefined",
        readonly=True,
        help="Predefined types are shipped by BHIMA and cannot be deleted.",
    )
    active = fields.Boolean(default=True)

    _name_uniq = models.Constraint(
        "UNIQUE(name)", "An inventory type with this name already exists."
    )

    @api.ondelete(at_uninstall=False)
    def _unlink_except_predefined(self):
        predefined = self.filtered("is_predefined")
        if predefined:
            raise UserError(
                self.env._(
                    "The predefined inventory types cannot be deleted: %(types)s.",
                    types=", ".join(predefined.mapped("name")),
                )
            )

    def write(self, vals):
        if "product_type" in vals and not self.env.su:
            changed = self.filtered(
                lambda t: t.is_predefined and t.product_type != vals["product_type"]
            )
            if changed:
                raise UserError(
                    self.env._(
                        "The product type of the predefined inventory type %(type)s "
                        "cannot be changed.",
                        type=changed[0].name,
                    )
                )
        return super().write(vals)

    def _product_values(self):
        """Values an article of this type gets on its Odoo product."""
        self.ensure_one()
        return dict(PRODUCT_TYPE_VALUES[self.product_type])
