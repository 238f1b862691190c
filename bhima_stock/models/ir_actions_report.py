from odoo import api, models
from odoo.tools.pdf import merge_pdf

from odoo.addons.base.models.ir_actions_report import _wkhtml


class IrActionsReport(models.Model):
    _inherit = "ir.actions.report"

    @api.model
    def _run_wkhtmltopdf(self, bodies, *args, **kwargs):
        """Several records at once with a wkhtmltopdf built without Odoo's
        patched Qt (Debian's package): such a wkhtmltopdf converts one document
        per call and Odoo refuses the print ("unpatched QT"). Convert each
        record's document alone and join the PDFs, so that printing several
        vouchers or count sheets from a list works everywhere."""
        if len(bodies) > 1 and not _wkhtml().is_patched_qt:
            return merge_pdf(
                [
                    super(IrActionsReport, self)._run_wkhtmltopdf([body], *args, **kwargs)
                    for body in bodies
                ]
            )
        return super()._run_wkhtmltopdf(bodies, *args, **kwargs)
