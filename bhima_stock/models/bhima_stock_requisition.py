from collections import defaultdict

from odoo import Command, api, fields, models
from odoo.exceptions import UserError

REQUISITION_STATUSES = [
    ("in_progress", "In progress"),
    ("validated", "Validated"),
    ("partially", "Partially delivered"),
    ("completed", "Completed"),
    ("excessive", "Excessive"),
    ("partial_surpluses", "Partial surpluses"),
    ("cancelled", "Cancelled"),
]


class BhimaStockRequisition(models.Model):
    """A stock requisition (BHIMA §6.6): a service or a depot asks a depot for
    articles; a manager of that depot validates it (possibly changing the
    quantities), then exits to the service or transfers to the depot are loaded
    from it. Its status follows what was delivered."""

    _name = "bhima.stock.requisition"
    _description = "BHIMA Stock Requisition"
    _inherit = ["bhima.protected.mixin", "mail.thread"]
    _order = "date desc, id desc"
    _check_company_auto = True
    _bhima_protected_fields = (
        "name",
        "is_validated",
        "is_cancelled",
        "validator_id",
        "validation_date",
    )

    name = fields.Char(string="Reference", default="/", readonly=True, copy=False, index=True)
    requester_type = fields.Selection(
        [("service", "Service"), ("depot", "Depot")],
        string="Requested by",
        required=True,
        default="service",
    )
    service_id = fields.Many2one("bhima.stock.service", string="Service", check_company=True)
    requester_depot_id = fields.Many2one(
        "stock.warehouse", string="Requesting Depot", check_company=True, index="btree_not_null"
    )
    depot_id = fields.Many2one(
        "stock.warehouse",
        string="Depot",
        required=True,
        index=True,
        check_company=True,
        help="The depot asked for the articles.",
    )
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    date = fields.Datetime(required=True, default=fields.Datetime.now)
    description = fields.Text()
    user_id = fields.Many2one(
        "res.users", string="Requested by (user)", default=lambda self: self.env.user
    )
    is_validated = fields.Boolean(string="Validated", readonly=True, copy=False)
    is_cancelled = fields.Boolean(string="Cancelled", readonly=True, copy=False)
    validator_id = fields.Many2one("res.users", string="Validated by", readonly=True, copy=False)
    validation_date = fields.Datetime(readonly=True, copy=False)
    status = fields.Selection(
        REQUISITION_STATUSES,
        compute="_compute_status",
        store=True,
        index=True,
        tracking=True,
    )
    line_ids = fields.One2many("bhima.stock.requisition.line", "requisition_id", string="Lines")
    movement_ids = fields.One2many(
        "bhima.stock.movement", "requisition_id", string="Deliveries", readonly=True
    )
    satisfaction_rate = fields.Float(
        string="Satisfaction Rate (%)",
        compute="_compute_status",
        store=True,
        aggregator="avg",
        help="Quantity delivered / quantity validated.",
    )

    @api.depends(
        "is_validated",
        "is_cancelled",
        "depot_id",
        "line_ids.quantity_validated",
        "movement_ids.state",
        "movement_ids.depot_id",
        "movement_ids.line_ids.quantity",
    )
    def _compute_status(self):
        for requisition in self:
            delivered = requisition._bhima_delivered()
            validated = defaultdict(float)
            for line in requisition.line_ids:
                validated[line.product_id] += line.quantity_validated
            total_validated = sum(validated.values())
            total_delivered = sum(delivered.values())
            requisition.satisfaction_rate = (
                100.0 * total_delivered / total_validated
                if requisition.is_validated and total_validated
                else 0.0
            )
            if requisition.is_cancelled:
                requisition.status = "cancelled"
                continue
            if not requisition.is_validated:
                requisition.status = "in_progress"
                continue
            if not total_delivered:
                requisition.status = "validated"
                continue
            left = [
                product.uom_id.compare(validated.get(product, 0.0), delivered.get(product, 0.0))
                for product in set(validated) | set(delivered)
            ]
            if all(value == 0 for value in left):
                requisition.status = "completed"
            elif any(value > 0 for value in left) and any(value < 0 for value in left):
                requisition.status = "partial_surpluses"
            elif any(value > 0 for value in left):
                requisition.status = "partially"
            else:
                requisition.status = "excessive"

    def _bhima_delivered(self):
        """{product: quantity delivered} by the validated deliveries."""
        self.ensure_one()
        delivered = defaultdict(float)
        for movement in self.movement_ids:
            if (
                movement.state != "done"
                or movement.direction != "exit"
                or movement.depot_id != self.depot_id
                or movement.flux_id.code not in (8, 10)
            ):
                continue
            for line in movement.line_ids:
                delivered[line.product_id] += line.quantity
        return delivered

    def _compute_display_name(self):
        for requisition in self:
            requisition.display_name = (
                requisition.name if requisition.name != "/" else self.env._("New requisition")
            )

    # ------------------------------------------------------------------
    # CRUD and access
    # ------------------------------------------------------------------

    @api.model_create_multi
    def create(self, vals_list):
        requisitions = super().create(vals_list)
        for requisition in requisitions:
            requisition._bhima_check_requester()
        requisitions._bhima_set_number("SREQ", "bhima.stock.requisition")
        return requisitions

    def write(self, vals):
        if not self._bhima_is_internal():
            locked = self.filtered(lambda r: r.is_validated or r.is_cancelled)
            if locked and set(vals) - {"description"}:
                raise UserError(
                    self.env._(
                        "The requisition %(requisition)s is validated or cancelled: it cannot "
                        "be changed.",
                        requisition=locked[0].display_name,
                    )
                )
        result = super().write(vals)
        if {"requester_type", "requester_depot_id", "service_id"} & set(vals):
            for requisition in self:
                requisition._bhima_check_requester()
        return result

    def _bhima_check_lines_open(self):
        locked = self.filtered(lambda r: r.is_validated or r.is_cancelled)
        if locked:
            raise UserError(
                self.env._(
                    "The requisition %(requisition)s is validated or cancelled: its lines "
                    "cannot be changed.",
                    requisition=locked[0].display_name,
                )
            )

    @api.ondelete(at_uninstall=False)
    def _unlink_except_validated(self):
        if any(r.is_validated for r in self):
            raise UserError(self.env._("A validated requisition cannot be deleted: cancel it."))

    def _bhima_check_requester(self):
        self.ensure_one()
        if self.requester_type == "service" and not self.service_id:
            raise UserError(self.env._("Choose the service that requests the articles."))
        if self.requester_type == "depot":
            if not self.requester_depot_id:
                raise UserError(self.env._("Choose the depot that requests the articles."))
            if self.requester_depot_id == self.depot_id:
                raise UserError(self.env._("A depot cannot request articles from itself."))
            self.requester_depot_id._bhima_check_user_can_move()

    # ------------------------------------------------------------------
    # Workflow
    # ------------------------------------------------------------------

    def action_validate(self):
        """A manager of the depot asked validates the requisition (the validated
        quantities default to the requested ones)."""
        for requisition in self:
            if requisition.is_validated or requisition.is_cancelled:
                raise UserError(
                    self.env._(
                        "The requisition %(requisition)s is already validated or cancelled.",
                        requisition=requisition.name,
                    )
                )
            requisition.depot_id._bhima_check_user_can_move()
            if not requisition.line_ids:
                raise UserError(
                    self.env._(
                        "The requisition %(requisition)s has no line.", requisition=requisition.name
                    )
                )
            requisition._bhima_internal().write(
                {
                    "is_validated": True,
                    "validator_id": self.env.user.id,
                    "validation_date": fields.Datetime.now(),
                }
            )
        return True

    def action_cancel(self):
        for requisition in self:
            if requisition.movement_ids.filtered(lambda m: m.state == "done"):
                raise UserError(
                    self.env._(
                        "The requisition %(requisition)s already has deliveries: it cannot be "
                        "cancelled.",
                        requisition=requisition.name,
                    )
                )
            if requisition.is_validated:
                requisition.depot_id._bhima_check_user_can_move()
        self._bhima_internal().write({"is_cancelled": True})
        return True

    def _bhima_movement_values(self):
        """Values of a delivery of what is left to deliver: an exit to the
        service (flux 10) or a transfer to the requesting depot (flux 8)."""
        self.ensure_one()
        if self.status not in ("validated", "partially", "partial_surpluses"):
            raise UserError(
                self.env._(
                    "The requisition %(requisition)s is %(status)s: nothing is left to deliver.",
                    requisition=self.name,
                    status=dict(self._fields["status"]._description_selection(self.env)).get(
                        self.status
                    ),
                )
            )
        delivered = self._bhima_delivered()
        lines = []
        for line in self.line_ids:
            taken = min(delivered[line.product_id], line.quantity_validated)
            delivered[line.product_id] -= taken
            left = line.quantity_validated - taken
            if line.product_id.uom_id.compare(left, 0) > 0:
                lines.append(Command.create({"product_id": line.product_id.id, "quantity": left}))
        values = {
            "depot_id": self.depot_id.id,
            "company_id": self.company_id.id,
            "requisition_id": self.id,
            "description": self.env._("Requisition %(requisition)s", requisition=self.name),
            "line_ids": lines,
        }
        if self.requester_type == "service":
            values.update(
                flux_id=self.env.ref("bhima_stock.flux_10").id, service_id=self.service_id.id
            )
        else:
            values.update(
                flux_id=self.env.ref("bhima_stock.flux_8").id,
                dest_depot_id=self.requester_depot_id.id,
            )
        return values

    def action_create_delivery(self):
        """Load an exit to the service (or a transfer to the depot) with what is
        left to deliver, lots proposed first expiry first out; returns its form."""
        self.ensure_one()
        self.depot_id._bhima_check_user_can_move()
        movement = self.env["bhima.stock.movement"].create(self._bhima_movement_values())
        movement.action_propose_lots()
        return movement._bhima_form_action()

    def action_open_deliveries(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Deliveries"),
            "res_model": "bhima.stock.movement",
            "view_mode": "list,form",
            "domain": [("requisition_id", "=", self.id)],
        }

    @api.model
    def get_satisfaction_rates(self, domain=None, groupby="depot_id"):
        """Satisfaction rates (delivered / validated, in %) of the validated
        requisitions matching ``domain``, grouped by ``groupby`` (a field of
        the satisfaction report: depot_id, product_id, service_id,
        requester_depot_id...). Returns a list of dicts."""
        report = self.env["bhima.stock.requisition.report"]
        if groupby not in report._fields:
            raise UserError(self.env._("Unknown grouping %(field)s.", field=groupby))
        groups = report._read_group(
            domain or [],
            [groupby],
            ["quantity_validated:sum", "quantity_delivered:sum", "__count"],
        )
        result = []
        for key, validated, delivered, count in groups:
            result.append(
                {
                    groupby: key.id if hasattr(key, "id") else key,
                    "name": key.display_name if hasattr(key, "display_name") else key,
                    "lines": count,
                    "quantity_validated": validated,
                    "quantity_delivered": delivered,
                    "satisfaction_rate": 100.0 * delivered / validated if validated else 0.0,
                }
            )
        return result
