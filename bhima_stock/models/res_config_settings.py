from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    bhima_month_average_consumption = fields.Integer(
        related="company_id.bhima_month_average_consumption", readonly=False
    )
    bhima_average_consumption_algo = fields.Selection(
        related="company_id.bhima_average_consumption_algo", readonly=False
    )
    bhima_min_delay = fields.Float(related="company_id.bhima_min_delay", readonly=False)
    bhima_default_purchase_interval = fields.Float(
        related="company_id.bhima_default_purchase_interval", readonly=False
    )
    bhima_default_min_months_security_stock = fields.Float(
        related="company_id.bhima_default_min_months_security_stock", readonly=False
    )
    bhima_strict_depot_permission = fields.Boolean(
        related="company_id.bhima_strict_depot_permission", readonly=False
    )
    bhima_strict_depot_distribution = fields.Boolean(
        related="company_id.bhima_strict_depot_distribution", readonly=False
    )
    bhima_supplier_credit = fields.Boolean(
        related="company_id.bhima_supplier_credit", readonly=False
    )
    bhima_invoice_moves_stock = fields.Boolean(
        related="company_id.bhima_invoice_moves_stock", readonly=False
    )
    bhima_expired_stock_out = fields.Boolean(
        related="company_id.bhima_expired_stock_out", readonly=False
    )
    bhima_expiry_alert_days = fields.Integer(
        related="company_id.bhima_expiry_alert_days", readonly=False
    )
