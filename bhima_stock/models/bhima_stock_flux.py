from odoo import fields, models

# Where the other side of a movement of each flux is (see _counterpart_location).
COUNTERPART_ROLES = [
    ("supplier", "Vendor"),
    ("donation", "Donation"),
    ("integration", "Integration"),
    ("transit", "Transit between depots"),
    ("patient", "Patient"),
    ("service", "Service"),
    ("loss", "Loss"),
    ("adjustment", "Adjustment"),
    ("consumption", "Consumption"),
]


class BhimaStockFlux(models.Model):
    """BHIMA's stock flux (table ``flux``): why stock moves. The codes are BHIMA's
    flux ids; every BHIMA movement (``stock.move.bhima_flux_id``) carries one."""

    _name = "bhima.stock.flux"
    _description = "BHIMA Stock Flux"
    _order = "code"
    _rec_names_search = ["name", "code"]

    code = fields.Integer(
        required=True, help="BHIMA's flux id, printed in references (SM.<code>.<number>)."
    )
    name = fields.Char(required=True, translate=True)
    direction = fields.Selection(
        [("entry", "Entry"), ("exit", "Exit"), ("both", "Entry or exit")],
        required=True,
    )
    consumption = fields.Selection(
        [
            ("always", "Always"),
            ("if_warehouse", "If the depot is a warehouse"),
            ("never", "Never"),
        ],
        string="Counts as Consumption",
        required=True,
        default="never",
        help="Whether exits of this flux count in the average monthly consumption: "
        "exits to patients and services always do, transfers only out of a warehouse.",
    )
    depot_kind = fields.Selection(
        [
            ("entry_purchase", "Entry from Purchase"),
            ("entry_donation", "Entry from Donation"),
            ("entry_integration", "Entry from Integration"),
            ("entry_transfer", "Entry from Another Depot"),
            ("exit_patient", "Exit to Patient"),
            ("exit_service", "Exit to Service"),
            ("exit_transfer", "Exit to Another Depot"),
            ("exit_loss", "Exit to Loss"),
        ],
        string="Depot Permission",
        help="The entry or exit type the depot must allow.",
    )
    counterpart = fields.Selection(COUNTERPART_ROLES, required=True)
    posts_accounting = fields.Boolean(
        default=True,
        help="With real-time valuation, movements of this flux post an accounting entry "
        "on the inventory group's accounts (transfers between depots never do).",
    )
    active = fields.Boolean(default=True)

    _code_uniq = models.Constraint("UNIQUE(code)", "The code of a flux must be unique.")

    def _compute_display_name(self):
        for flux in self:
            flux.display_name = f"{flux.code} - {flux.name}"

    def _counterpart_location(self, company):
        """The virtual location on the other side of a movement of this flux."""
        self.ensure_one()
        if self.counterpart == "transit":
            return company.sudo().internal_transit_location_id
        if self.counterpart == "supplier":
            return self.env.ref("stock.stock_location_suppliers")
        return self.env.ref(f"bhima_stock.stock_location_bhima_{self.counterpart}")

    def _counts_as_consumption(self, depot):
        self.ensure_one()
        return self.consumption == "always" or (
            self.consumption == "if_warehouse" and depot.bhima_is_warehouse
        )
