from odoo import fields, models
from odoo.exceptions import UserError
from odoo.tools import formatLang

# Fields a user may still change on a predefined unit (archiving it, ordering it).
PREDEFINED_UNIT_FREE_FIELDS = {"active", "sequence"}


class UomUom(models.Model):
    """BHIMA's inventory units (galenic forms) are Odoo units of measure."""

    _inherit = "uom.uom"

    bhima_abbreviation = fields.Char(
        string="Abbreviation", help="Short label of the unit, printed on vouchers."
    )
    bhima_token = fields.Char(
        string="BHIMA Token",
        readonly=True,
        copy=False,
        help="Identifier of the unit in BHIMA, used by imports.",
    )
    is_galenic_form = fields.Boolean(
        string="Galenic Form",
        help="This unit is an inventory unit or galenic form of the stock registers.",
    )
    bhima_predefined = fields.Boolean(
        string="Predefined",
        readonly=True,
        copy=False,
        help="Predefined units are shipped with BHIMA: they cannot be modified "
        "or deleted, only archived.",
    )

    _bhima_token_uniq = models.Constraint(
        "UNIQUE(bhima_token)", "The BHIMA token of a unit must be unique."
    )

    def _filter_protected_uoms(self):
        return super()._filter_protected_uoms() | self.filtered("bhima_predefined")

    def write(self, vals):
        if not self.env.su and set(vals) - PREDEFINED_UNIT_FREE_FIELDS:
            predefined = self.filtered("bhima_predefined")
            if predefined:
                raise UserError(
                    self.env._(
                        "The predefined unit %(unit)s cannot be modified; "
                        "create a new unit instead.",
                        unit=predefined[0].name,
                    )
                )
        return super().write(vals)

    def _bhima_format(self, quantity):
        """``quantity`` of this unit written in the user's language (4 600,00 in
        French), for messages."""
        digits = self.env["decimal.precision"].precision_get("Product Unit")
        return formatLang(self.env, quantity, digits=digits)
