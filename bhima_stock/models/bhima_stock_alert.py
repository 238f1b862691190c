from datetime import timedelta

from odoo import api, fields, models
from odoo.tools import SQL, format_date, split_every

ALERT_KINDS = [
    ("expiring", "Lot expiring soon"),
    ("expired", "Lot expired"),
    ("stock_out", "Stock out"),
    ("security", "Security stock reached"),
]
LOT_KINDS = ("expiring", "expired")


class BhimaStockAlert(models.Model):
    """A stock alert of a depot, raised by the daily scheduled action: a lot
    expiring within the company's horizon or expired (one alert per lot), an
    article out of stock or at its security stock (one per article). Each open
    alert carries one activity per manager of the depot; it is not raised again
    while it is open, and it is resolved (its activities marked done) when the
    situation is over."""

    _name = "bhima.stock.alert"
    _description = "BHIMA Stock Alert"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "state, date_open desc, id desc"
    _mail_post_access = "read"

    name = fields.Char(compute="_compute_name")
    kind = fields.Selection(ALERT_KINDS, required=True, readonly=True)
    state = fields.Selection(
        [("open", "Open"), ("resolved", "Resolved")],
        default="open",
        required=True,
        readonly=True,
        tracking=True,
    )
    depot_id = fields.Many2one(
        "stock.warehouse",
        string="Depot",
        required=True,
        readonly=True,
        index=True,
        ondelete="cascade",
    )
    company_id = fields.Many2one(related="depot_id.company_id", store=True, index=True)
    product_id = fields.Many2one(
        "product.product",
        string="Article",
        required=True,
        readonly=True,
        index=True,
        ondelete="cascade",
    )
    lot_id = fields.Many2one(
        "stock.lot", string="Lot", readonly=True, index="btree_not_null", ondelete="cascade"
    )
    expiration_date = fields.Date(readonly=True)
    quantity = fields.Float(
        digits="Product Unit", readonly=True, help="The quantity when the alert was last checked."
    )
    date_open = fields.Date(string="Raised On", readonly=True, default=fields.Date.context_today)
    date_resolved = fields.Date(string="Resolved On", readonly=True)

    _open_alert_uniq = models.UniqueIndex(
        "(kind, depot_id, product_id, COALESCE(lot_id, 0)) WHERE state = 'open'",
        "An alert of this kind is already open for this depot, article and lot.",
    )

    @api.depends("kind", "depot_id", "product_id", "lot_id")
    @api.depends_context("lang")
    def _compute_name(self):
        kinds = dict(self._fields["kind"]._description_selection(self.env))
        for alert in self:
            what = alert.lot_id.name or alert.product_id.display_name or ""
            alert.name = f"{kinds.get(alert.kind, '')}: {what} ({alert.depot_id.name or ''})"

    def action_open_register(self):
        """The lot (lot register) or the article (stock status) of the alert."""
        self.ensure_one()
        if self.kind in LOT_KINDS:
            return self.env["bhima.stock.lot.register"]._bhima_action(
                depots=self.depot_id, domain=[("lot_id", "=", self.lot_id.id)]
            )
        return self.env["bhima.stock.inventory.register"]._bhima_action(
            depots=self.depot_id, domain=[("product_id", "=", self.product_id.id)]
        )

    def action_open_stock_sheet(self):
        self.ensure_one()
        return self.env["bhima.stock.sheet"]._bhima_open(
            product=self.product_id, depot=self.depot_id, lot=self.lot_id
        )

    # ------------------------------------------------------------------
    # Scheduled actions
    # ------------------------------------------------------------------

    @api.model
    def _cron_bhima_stock_alerts(self):
        """Daily: raise and resolve the alerts of every depot, one depot per
        batch; a depot already checked today is skipped, so an interrupted run
        resumes where it stopped and a second run changes nothing."""
        today = self.env["bhima.stock.ledger"]._bhima_today()
        Depot = self.env["stock.warehouse"].sudo()
        todo = Depot.search(
            ["|", ("bhima_alerts_checked_on", "=", False), ("bhima_alerts_checked_on", "<", today)],
            order="id",
        )
        IrCron = self.env["ir.cron"]
        IrCron._commit_progress(remaining=len(todo))
        for depot in todo:
            self._bhima_check_depot(depot, today)
            depot.bhima_alerts_checked_on = today
            if not IrCron._commit_progress(1):
                break
            self.env.invalidate_all()  # keep the memory of a long run flat

    @api.model
    def _bhima_check_depot(self, depot, day):
        """Raise the missing alerts of ``depot`` and resolve those that are over."""
        ledger = self.env["bhima.stock.ledger"].sudo().with_company(depot.company_id)
        ledger._bhima_flush()
        found = {}
        rows = self.env.execute_query_dict(
            SQL(
                """
                SELECT r.product_id, r.lot_id, r.quantity, r.expiration_date, r.is_expired,
                       r.is_expiring_soon
                  FROM (%s) r
                 WHERE r.quantity > 0 AND (r.is_expired OR r.is_expiring_soon)
                """,
                ledger._bhima_lot_rows_sql(depot, day),
            )
        )
        for row in rows:
            kind = "expired" if row["is_expired"] else "expiring"
            found[(kind, row["product_id"], row["lot_id"])] = row
        rows = self.env.execute_query_dict(
            SQL(
                """
                SELECT r.product_id, r.quantity_usable AS quantity, r.status
                  FROM (%s) r
                 WHERE r.status IN ('stock_out', 'security_reached')
                """,
                ledger._bhima_register_sql(depot, day),
            )
        )
        for row in rows:
            kind = "stock_out" if row["status"] == "stock_out" else "security"
            found[(kind, row["product_id"], None)] = row
        Alert = self.sudo()
        open_alerts = Alert.search([("depot_id", "=", depot.id), ("state", "=", "open")])
        existing = {(a.kind, a.product_id.id, a.lot_id.id or None): a for a in open_alerts}
        resolved = Alert.browse([alert.id for key, alert in existing.items() if key not in found])
        for key, alert in existing.items():
            if key in found and alert.quantity != found[key]["quantity"]:
                alert.quantity = found[key]["quantity"]
        resolved._bhima_resolve(day)
        new_values = [
            {
                "kind": kind,
                "depot_id": depot.id,
                "product_id": product_id,
                "lot_id": lot_id,
                "quantity": row["quantity"],
                "expiration_date": row.get("expiration_date"),
                "date_open": day,
            }
            for (kind, product_id, lot_id), row in found.items()
            if (kind, product_id, lot_id) not in existing
        ]
        alerts = Alert.browse()
        for batch in split_every(500, new_values):
            created = Alert.with_context(mail_create_nolog=True, tracking_disable=True).create(
                list(batch)
            )
            created._bhima_schedule_activities()
            self.env.flush_all()
            alerts |= created
        return alerts, resolved

    def _bhima_resolve(self, day):
        if not self:
            return
        self.write({"state": "resolved", "date_resolved": day})
        activities = self.activity_ids
        if activities:
            activities.action_feedback(feedback=self.env._("Resolved: the situation is over."))

    def _bhima_schedule_activities(self):
        """One activity per alert and manager of its depot."""
        activity_type = self.env.ref("bhima_stock.mail_activity_type_bhima_stock_alert")
        model_id = self.env["ir.model"]._get_id(self._name)
        values = []
        for alert in self:
            managers = alert.depot_id.bhima_manager_all_ids.filtered(
                lambda user: user.active and not user.share
            )
            for user in managers:
                values.append(
                    {
                        "res_model_id": model_id,
                        "res_id": alert.id,
                        "activity_type_id": activity_type.id,
                        "user_id": user.id,
                        "summary": alert.with_context(lang=user.lang)._bhima_summary(),
                        "date_deadline": alert.date_open,
                    }
                )
        if values:
            self.env["mail.activity"].sudo().with_context(mail_activity_quick_update=True).create(
                values
            )

    def _bhima_summary(self):
        self.ensure_one()
        depot = self.depot_id.name
        if self.kind == "expiring":
            return self.env._(
                "Lot %(lot)s of %(article)s expires on %(date)s (%(depot)s)",
                lot=self.lot_id.name,
                article=self.product_id.display_name,
                date=format_date(self.env, self.expiration_date),
                depot=depot,
            )
        if self.kind == "expired":
            return self.env._(
                "Lot %(lot)s of %(article)s expired on %(date)s (%(depot)s)",
                lot=self.lot_id.name,
                article=self.product_id.display_name,
                date=format_date(self.env, self.expiration_date),
                depot=depot,
            )
        if self.kind == "stock_out":
            return self.env._(
                "%(article)s is out of stock (%(depot)s)",
                article=self.product_id.display_name,
                depot=depot,
            )
        return self.env._(
            "%(article)s reached its security stock: %(quantity)s left (%(depot)s)",
            article=self.product_id.display_name,
            quantity=self.product_id.uom_id._bhima_format(self.quantity),
            depot=depot,
        )

    @api.model
    def _cron_bhima_weekly_digest(self):
        """Weekly: each depot's managers receive the counts of the depot's
        registers with links, in their language; a depot whose digest already
        went this week is skipped (resumable, idempotent)."""
        today = self.env["bhima.stock.ledger"]._bhima_today()
        week_start = today - timedelta(days=today.weekday())
        Depot = self.env["stock.warehouse"].sudo()
        todo = Depot.search(
            [
                ("bhima_manager_all_ids", "!=", False),
                "|",
                ("bhima_digest_sent_on", "=", False),
                ("bhima_digest_sent_on", "<", week_start),
            ],
            order="id",
        )
        IrCron = self.env["ir.cron"]
        IrCron._commit_progress(remaining=len(todo))
        template = self.env.ref("bhima_stock.mail_template_bhima_weekly_digest")
        for depot in todo:
            depot._bhima_send_digest(template)
            depot.bhima_digest_sent_on = today
            if not IrCron._commit_progress(1):
                break
