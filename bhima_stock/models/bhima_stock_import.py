import base64
import hashlib
import logging
import time
from collections import defaultdict

from odoo import Command, api, fields, models, modules
from odoo.exceptions import AccessError, UserError

from ..tools.bhima_import_plans import (
    BHIMA_COLUMNS,
    ArticleFilePlanner,
    OpeningStockPlanner,
)
from ..tools.bhima_spreadsheet import cell_text, read_table, write_csv, write_xlsx
from .product_product import BhimaDeferredPrices

_logger = logging.getLogger(__name__)

DEFAULT_MAX_ROWS = 50000
# Progress is reported to the user's web client for files of at least this many rows.
PROGRESS_MIN_ROWS = 2000
MAX_ERRORS_IN_MESSAGE = 30


class BhimaStockImport(models.Model):
    """An import of stock from a spreadsheet, and its history (who, when, the
    file, its rows and the movements it made).

    * ``article``: the article file in update mode. For each row, the Stock
      column (the counted quantity) is compared with the stock of the article
      (or of its lot) in the depot of the row; the differences become one
      physical count per depot, validated (flux 15). Article fields
      (designation, sale price, group) are updated when they differ.
    * ``bhima``: BHIMA's stock import (opening stock by lot, flux 13), creating
      the missing groups, types, units, articles and lots.

    A preview lists every difference and every error (row and column); nothing
    is applied while an error remains, and applying is all or nothing."""

    _name = "bhima.stock.import"
    _description = "BHIMA Stock Import"
    _inherit = ["bhima.protected.mixin", "mail.thread"]
    _order = "id desc"
    _check_company_auto = True
    _bhima_protected_fields = (
        "name",
        "state",
        "user_id",
        "row_count",
        "error_count",
        "entry_count",
        "exit_count",
        "article_update_count",
        "created_count",
        "unchanged_count",
        "date_done",
        "checksum",
        "preview_line_ids",
        "error_ids",
        "count_ids",
        "movement_ids",
    )

    name = fields.Char(string="Reference", default="/", readonly=True, copy=False, index=True)
    import_type = fields.Selection(
        [
            ("article", "Article file (update the stock)"),
            ("bhima", "BHIMA stock import (opening stock)"),
        ],
        string="Type",
        required=True,
        default="article",
    )
    file = fields.Binary(attachment=True, copy=False)
    filename = fields.Char(string="File Name")
    depot_id = fields.Many2one(
        "stock.warehouse",
        string="Depot",
        check_company=True,
        help="Article file: the depot of the rows without depot code. BHIMA import: "
        "the depot the stock enters (unless a depot_code column gives it).",
    )
    date = fields.Datetime(
        string="Entry Date",
        help="BHIMA import: the date of the opening stock entries (now if empty).",
    )
    state = fields.Selection(
        [
            ("draft", "Draft"),
            ("error", "Errors"),
            ("ready", "Ready to Apply"),
            ("done", "Applied"),
        ],
        default="draft",
        required=True,
        readonly=True,
        copy=False,
        tracking=True,
    )
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    user_id = fields.Many2one(
        "res.users", string="Imported by", readonly=True, default=lambda self: self.env.user
    )
    date_done = fields.Datetime(string="Applied on", readonly=True, copy=False)
    checksum = fields.Char(readonly=True, copy=False, index=True)
    row_count = fields.Integer(string="Rows", readonly=True)
    error_count = fields.Integer(string="Errors", readonly=True)
    entry_count = fields.Integer(string="Entries", readonly=True, help="Lots entered.")
    exit_count = fields.Integer(string="Exits", readonly=True, help="Lots taken out.")
    unchanged_count = fields.Integer(
        string="Unchanged", readonly=True, help="Rows whose stock already matches the file."
    )
    article_update_count = fields.Integer(string="Articles Updated", readonly=True)
    created_count = fields.Integer(
        string="Records Created", readonly=True, help="Groups, types, units and articles created."
    )
    preview_line_ids = fields.One2many(
        "bhima.stock.import.line", "import_id", string="Preview", readonly=True
    )
    error_ids = fields.One2many(
        "bhima.stock.import.error", "import_id", string="Error List", readonly=True
    )
    count_ids = fields.One2many("bhima.stock.count", "import_id", string="Counts", readonly=True)
    movement_ids = fields.Many2many(
        "bhima.stock.movement",
        "bhima_stock_import_movement_rel",
        "import_id",
        "movement_id",
        string="Movements",
        readonly=True,
        copy=False,
    )
    movement_count = fields.Integer(compute="_compute_movement_count")

    def _compute_movement_count(self):
        for record in self:
            record.movement_count = len(record.movement_ids)

    def _compute_display_name(self):
        for record in self:
            record.display_name = record.name if record.name != "/" else self.env._("New import")

    @api.model_create_multi
    def create(self, vals_list):
        records = super().create(vals_list)
        records._bhima_set_number("IMP", "bhima.stock.import")
        return records

    def write(self, vals):
        if not self._bhima_is_internal() and set(vals) & {
            "file",
            "filename",
            "import_type",
            "depot_id",
            "date",
        }:
            if any(record.state == "done" for record in self):
                raise UserError(self.env._("An applied import cannot be changed."))
            vals = dict(vals)
            # a new file or new options need a new preview
            result = super().write(vals)
            self._bhima_internal().sudo().write(
                {
                    "state": "draft",
                    "preview_line_ids": [Command.clear()],
                    "error_ids": [Command.clear()],
                }
            )
            return result
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_except_applied(self):
        if any(record.state == "done" for record in self):
            raise UserError(
                self.env._("An applied import is part of the stock history: it cannot be deleted.")
            )

    # ------------------------------------------------------------------
    # Web client
    # ------------------------------------------------------------------

    def action_preview(self):
        self.ensure_one()
        self._bhima_check_not_done()
        plan = self._bhima_plan()
        self._bhima_store_preview(plan)
        return True

    def action_apply(self):
        self.ensure_one()
        self._bhima_check_not_done()
        plan = self._bhima_plan()
        if plan["errors"]:
            raise UserError(self._bhima_errors_message(plan["errors"]))
        with self.env.cr.savepoint():
            self._bhima_apply_plan(plan)
        return True

    def action_open_movements(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Movements"),
            "res_model": "bhima.stock.movement",
            "view_mode": "list,form",
            "domain": [("id", "in", self.movement_ids.ids)],
        }

    def action_download_template(self):
        return self._bhima_download(self.get_template(self.import_type or "article", "xlsx"))

    def action_download_template_csv(self):
        return self._bhima_download(self.get_template(self.import_type or "article", "csv"))

    def action_export_stock(self):
        """The article file of the current stock of the chosen depot (or of every
        depot the user manages): fill in the Stock column and import it back."""
        self.ensure_one()
        depots = self.depot_id or self.env.user.bhima_managed_depot_ids
        return self._bhima_download(
            self.get_template("article", "xlsx", depot_ids=depots.ids, with_stock=True)
        )

    def _bhima_download(self, template):
        attachment = self.env["ir.attachment"].create(
            {
                "name": template["filename"],
                "datas": template["content"],
                "res_model": self._name,
                "res_id": self.id or 0,
            }
        )
        return {
            "type": "ir.actions.act_url",
            "url": f"/web/content/{attachment.id}?download=true",
            "target": "download",
        }

    def _bhima_check_not_done(self):
        if self.state == "done":
            raise UserError(
                self.env._("The import %(reference)s is already applied.", reference=self.name)
            )
        if not self.file:
            raise UserError(self.env._("Choose the file to import."))

    def _bhima_store_preview(self, plan):
        lines = [
            Command.create(
                {
                    "row": line["row"],
                    "depot_id": line.get("depot_id"),
                    "product_id": line.get("product_id"),
                    "article_code": line.get("article_code"),
                    "article_name": line.get("article_name"),
                    "lot_name": line.get("lot_label"),
                    "expiration_date": line.get("expiration"),
                    "current_qty": line.get("current", 0.0),
                    "file_qty": line.get("counted", 0.0),
                    "difference_qty": line.get("difference", 0.0),
                    "movement": line.get("movement", "none"),
                    "note": line.get("note"),
                }
            )
            for line in plan["preview"]
        ]
        errors = [Command.create(error) for error in plan["errors"]]
        # the preview and the errors are written by the import itself
        self._bhima_internal().sudo().write(
            {
                "state": "error" if plan["errors"] else "ready",
                "preview_line_ids": [Command.clear(), *lines],
                "error_ids": [Command.clear(), *errors],
                "checksum": plan["checksum"],
                **self._bhima_plan_counters(plan),
            }
        )

    @api.model
    def _bhima_plan_counters(self, plan):
        return {
            "row_count": plan["rows"],
            "error_count": len(plan["errors"]),
            "entry_count": plan["entries"],
            "exit_count": plan["exits"],
            "unchanged_count": plan["unchanged"],
            "article_update_count": len(plan.get("updates", {})),
            "created_count": plan.get("created", 0),
        }

    def _bhima_errors_message(self, errors):
        shown = errors[:MAX_ERRORS_IN_MESSAGE]
        lines = [self._bhima_error_text(error) for error in shown]
        if len(errors) > len(shown):
            lines.append(
                self.env._("... and %(count)s more errors.", count=len(errors) - len(shown))
            )
        return self.env._(
            "The file has %(count)s errors; nothing was imported:\n%(errors)s",
            count=len(errors),
            errors="\n".join(lines),
        )

    def _bhima_error_text(self, error):
        if error["row"]:
            return self.env._(
                "- row %(row)s, column %(column)s: %(message)s",
                row=error["row"],
                column=error["column"] or "-",
                message=error["message"],
            )
        return f"- {error['message']}"

    # ------------------------------------------------------------------
    # For RPC clients
    # ------------------------------------------------------------------

    @api.model
    def import_file(
        self,
        file,
        filename="import.csv",
        import_type="article",
        dry_run=True,
        depot_id=False,
        date=False,
    ):
        """Import a spreadsheet in one call. ``file``: the file content in
        base64 (CSV or XLSX); ``import_type``: ``"article"`` (article file,
        update mode) or ``"bhima"`` (BHIMA stock import); ``depot_id``: the
        default depot; ``date``: the entry date of a BHIMA import.

        With ``dry_run`` (default), nothing is written and the preview is
        returned: ``{"rows", "errors": [{"row", "column", "value", "message"}],
        "lines": [{"row", "depot", "article", "lot", "expiration", "current",
        "file", "difference", "movement"}], "entries", "exits", "unchanged",
        "article_updates", "created"}``. Otherwise the import is applied, all or
        nothing, and ``{"id", "name", "state", "rows", "entries", "exits",
        "counts", "movements"}`` is returned; any error raises (nothing written)."""
        try:
            data = base64.b64decode(file or b"", validate=True)
        except (ValueError, TypeError) as error:
            raise UserError(self.env._("The file is not valid base64 content.")) from error
        if import_type not in ("article", "bhima"):
            raise UserError(
                self.env._("Unknown import type %(type)s: use article or bhima.", type=import_type)
            )
        values = {
            "import_type": import_type,
            "filename": filename,
            "depot_id": depot_id or False,
            "date": date or False,
        }
        if dry_run:
            record = self.new(values)
            plan = record._bhima_plan(data)
            return self._bhima_rpc_preview(plan)
        with self.env.cr.savepoint():
            record = self.create({**values, "file": base64.b64encode(data)})
            plan = record._bhima_plan(data)
            if plan["errors"]:
                raise UserError(record._bhima_errors_message(plan["errors"]))
            record._bhima_apply_plan(plan)
        return {
            "id": record.id,
            "name": record.name,
            "state": record.state,
            "rows": record.row_count,
            "entries": record.entry_count,
            "exits": record.exit_count,
            "unchanged": record.unchanged_count,
            "article_updates": record.article_update_count,
            "created": record.created_count,
            "counts": record.count_ids.mapped("name"),
            "movements": record.movement_ids.mapped("name"),
        }

    @api.model
    def _bhima_rpc_preview(self, plan):
        depots = self.env["stock.warehouse"].browse(
            {line["depot_id"] for line in plan["preview"] if line.get("depot_id")}
        )
        codes = {depot.id: depot.code for depot in depots.sudo()}
        return {
            "rows": plan["rows"],
            "errors": plan["errors"],
            "entries": plan["entries"],
            "exits": plan["exits"],
            "unchanged": plan["unchanged"],
            "article_updates": len(plan.get("updates", {})),
            "created": plan.get("created", 0),
            "lines": [
                {
                    "row": line["row"],
                    "depot": codes.get(line.get("depot_id")),
                    "article": line.get("article_code"),
                    "lot": line.get("lot_label") or False,
                    "expiration": fields.Date.to_string(line["expiration"])
                    if line.get("expiration")
                    else False,
                    "current": line.get("current", 0.0),
                    "file": line.get("counted", 0.0),
                    "difference": line.get("difference", 0.0),
                    "movement": line.get("movement", "none"),
                    "note": line.get("note") or False,
                }
                for line in plan["preview"]
            ],
        }

    @api.model
    def get_template(
        self, import_type="article", file_format="xlsx", depot_ids=None, with_stock=False
    ):
        """A template to fill: ``{"filename", "content"}`` (base64). For the
        article file, ``with_stock`` fills it with the current stock of
        ``depot_ids`` (lot by lot): change the Stock column and import it back."""
        if import_type == "bhima":
            header = list(BHIMA_COLUMNS)
            rows = [
                [
                    "Medicaments",
                    "PARA500",
                    "Paracetamol 500 mg",
                    "Article",
                    "Tablet",
                    0.05,
                    0,
                    1,
                    0,
                    "",
                    "",
                    "PA-2601",
                    1000,
                    "2028-12-31",
                    "",
                    "",
                    0,
                ]
            ]
            name = "bhima_stock_import"
        else:
            labels = self._bhima_article_labels()
            keys = (
                "code",
                "name",
                "depot",
                "stock",
                "lot",
                "expiration",
                "sale_price",
                "unit_cost",
                "group",
            )
            header = [labels[key] for key in keys]
            rows = (
                self._bhima_stock_rows(depot_ids or [])
                if with_stock
                else [
                    [
                        "PARA500",
                        "Paracetamol 500 mg",
                        "PC",
                        1000,
                        "PA-2601",
                        "31/12/2028",
                        "",
                        "",
                        "",
                    ]
                ]
            )
            name = "bhima_article_file"
        if file_format == "csv":
            rows = [[self._bhima_csv_cell(value) for value in row] for row in rows]
            content = write_csv(header, rows)
        elif file_format == "xlsx":
            content = write_xlsx(header, rows)
        else:
            raise UserError(
                self.env._("Unknown file format %(format)s: use csv or xlsx.", format=file_format)
            )
        return {
            "filename": f"{name}.{file_format}",
            "content": base64.b64encode(content).decode(),
        }

    @api.model
    def _bhima_csv_cell(self, value):
        if isinstance(value, float):
            return f"{value:g}".replace(".", ",")
        return value

    def _bhima_stock_rows(self, depot_ids):
        depots = self.env["stock.warehouse"].browse(depot_ids)
        balances = self.env["stock.warehouse"]._bhima_current_balances(depots.ids)
        products = self.env["product.product"].browse({key[1] for key in balances})
        lots = self.env["stock.lot"].browse({key[2] for key in balances if key[2]})
        rows = []
        for (depot_id, product_id, lot_id), quantity in balances.items():
            product = products.browse(product_id).with_prefetch(products._prefetch_ids)
            lot = lots.browse(lot_id or []).with_prefetch(lots._prefetch_ids)
            rows.append(
                [
                    product.default_code or "",
                    product.name,
                    depots.browse(depot_id).code,
                    quantity,
                    lot.name or "",
                    lot.expiration_date.strftime("%d/%m/%Y") if lot.expiration_date else "",
                    "",
                    "",
                    "",
                ]
            )
        return sorted(rows, key=lambda row: (row[2], row[0], row[1], row[4]))

    def _bhima_article_labels(self):
        return {
            "code": self.env._("Code"),
            "name": self.env._("Designation"),
            "depot": self.env._("Depot"),
            "stock": self.env._("Stock"),
            "lot": self.env._("Lot"),
            "expiration": self.env._("Expiration"),
            "sale_price": self.env._("Sale price"),
            "unit_cost": self.env._("Unit cost"),
            "group": self.env._("Group"),
        }

    # ------------------------------------------------------------------
    # Progress, for large files
    # ------------------------------------------------------------------

    def _bhima_progress(self, done, total, step):
        """Tell the user's web client how far the import is (a notification
        that follows the import). Sent on its own transaction so that it is
        delivered while the import is still running."""
        if total < PROGRESS_MIN_ROWS:
            return
        _logger.info("%s: %s %s/%s", self.name or "import", step, done, total)
        message = self.env._(
            "%(step)s: %(done)s / %(total)s rows", step=step, done=done, total=total
        )
        payload = {"done": done, "total": total, "message": message, "import": self.name}
        if modules.module.current_test:  # tests run in one transaction
            self.env.user._bus_send("bhima_stock_import_progress", payload)
            return
        with self.env.registry.cursor() as cr:
            env = self.env(cr=cr)
            env.user._bus_send("bhima_stock_import_progress", payload)

    # ------------------------------------------------------------------
    # The plan: everything checked, nothing written
    # ------------------------------------------------------------------

    def _bhima_plan(self, data=None):
        """Read the file and check every row. Returns the plan of what applying
        would do, with every error found."""
        self.ensure_one()
        if data is None:
            data = base64.b64decode(self.file or b"")
        max_rows = int(
            self.env["ir.config_parameter"]
            .sudo()
            .get_param("bhima_stock.import_max_rows", DEFAULT_MAX_ROWS)
        )
        started = time.perf_counter()
        header, rows = read_table(self.env, data, self.filename, max_rows)
        self._bhima_progress(0, len(rows), self.env._("File read"))
        checksum = hashlib.sha1(data).hexdigest()
        if self.import_type == "bhima":
            plan = OpeningStockPlanner(self, header, rows).plan()
            done = self.search(
                [
                    ("checksum", "=", checksum),
                    ("state", "=", "done"),
                    ("import_type", "=", "bhima"),
                    ("id", "!=", self.id or 0),
                ],
                limit=1,
            )
            if done:
                plan["errors"].insert(
                    0,
                    self._bhima_error(
                        0,
                        "",
                        "",
                        self.env._(
                            "This file was already imported by %(reference)s on %(date)s: "
                            "importing it again would enter its stock twice.",
                            reference=done.name,
                            date=done.date_done,
                        ),
                    ),
                )
        else:
            plan = ArticleFilePlanner(self, header, rows).plan()
        plan["checksum"] = checksum
        plan["rows"] = len(rows)
        _logger.info(
            "%s: %s rows checked in %.2fs, %s errors",
            self.name or "import",
            len(rows),
            time.perf_counter() - started,
            len(plan["errors"]),
        )
        return plan

    @api.model
    def _bhima_error(self, row, column, value, message):
        return {"row": row, "column": column or "", "value": cell_text(value), "message": message}

    def _bhima_depot_error(self, depot):
        """Why the user cannot move stock in ``depot``, or None."""
        if not depot.active:
            return self.env._(
                "The depot %(depot)s is archived: it accepts no stock movement.",
                depot=depot.code,
            )
        try:
            depot._bhima_check_user_can_move()
        except AccessError:
            return self.env._(
                "You do not manage the depot %(depot)s: ask a stock manager to make you "
                "one of its managers.",
                depot=depot.code,
            )
        return None

    # ------------------------------------------------------------------
    # Applying a plan (all or nothing: the caller holds a savepoint)
    # ------------------------------------------------------------------

    def _bhima_apply_plan(self, plan):
        self.ensure_one()
        deferred = BhimaDeferredPrices()
        record = self.with_context(bhima_deferred_prices=deferred)
        if self.import_type == "bhima":
            movements, counts = record._bhima_apply_opening(plan), self.env["bhima.stock.count"]
        else:
            movements, counts = record._bhima_apply_article(plan)
        deferred.flush(self.env)
        self._bhima_internal().sudo().write(
            {
                "state": "done",
                "date_done": fields.Datetime.now(),
                "checksum": plan["checksum"],
                "movement_ids": [Command.set(movements.ids)],
                "preview_line_ids": [Command.clear()],
                "error_ids": [Command.clear()],
                **self._bhima_plan_counters(plan),
            }
        )
        self.message_post(
            body=self.env._(
                "Import applied: %(rows)s rows, %(entries)s lots entered, %(exits)s lots taken "
                "out, %(updates)s articles updated, %(created)s records created. Movements: "
                "%(movements)s.",
                rows=plan["rows"],
                entries=plan["entries"],
                exits=plan["exits"],
                updates=len(plan.get("updates", {})),
                created=plan.get("created", 0),
                movements=", ".join(movements.mapped("name")) or "-",
            )
        )
        return counts

    def _bhima_apply_article(self, plan):
        by_values = defaultdict(lambda: self.env["product.template"])
        for template, values in plan["updates"].items():
            by_values[tuple(sorted(values.items()))] |= template
        for values, templates in by_values.items():
            templates.write(dict(values))
        by_depot = defaultdict(list)
        for line in plan["lines"]:
            by_depot[line["depot_id"]].append(line)
        Count = self.env["bhima.stock.count"]._bhima_internal()
        counts = Count
        movements = self.env["bhima.stock.movement"]
        total = sum(len(lines) for lines in by_depot.values())
        done = 0
        for depot_id, lines in by_depot.items():
            depot = self.env["stock.warehouse"].browse(depot_id)
            count = Count.create(
                {
                    "depot_id": depot_id,
                    "company_id": depot.company_id.id,
                    "origin": "import",
                    "import_id": self.id,
                    "description": self.env._(
                        "Import %(reference)s (%(file)s)",
                        reference=self.name,
                        file=self.filename or "",
                    ),
                    "line_ids": [
                        Command.create(
                            {
                                "product_id": line["product_id"],
                                "lot_id": line["lot_id"] or False,
                                "lot_name": False if line["lot_id"] else line["lot_label"],
                                "expiration_date": line["expiration"] or False,
                                "theoretical_qty": line["current"],
                                "counted_qty": line["counted"],
                                "is_counted": True,
                                "unit_cost": line["unit_cost"] or 0.0,
                                "source_row": line["row"],
                                "note": line.get("note") or False,
                            }
                        )
                        for line in lines
                    ],
                }
            )
            count.write({"state": "counting", "date": fields.Datetime.now()})
            count._bhima_apply()
            counts |= count
            movements |= count.movement_ids
            done += len(lines)
            self._bhima_progress(done, max(total, plan["rows"]), self.env._("Movements created"))
        return movements, counts

    def _bhima_apply_opening(self, plan):
        to_create = plan["create"]
        Category = self.env["product.category"]
        groups = dict(plan["groups"])
        if to_create["group"]:
            new_groups = Category.create(
                [
                    {
                        "name": name,
                        "depreciation_rate": rate or 0.0,
                        "track_expiration": expiry,
                        "property_cost_method": "average",
                    }
                    for name, rate, expiry in to_create["group"].values()
                ]
            )
            groups.update(zip(to_create["group"], new_groups, strict=True))
        types = dict(plan["types"])
        if to_create["type"]:
            new_types = self.env["bhima.inventory.type"].create(
                [{"name": name, "product_type": "storable"} for name in to_create["type"].values()]
            )
            types.update(zip(to_create["type"], new_types, strict=True))
        units = dict(plan["units"])
        if to_create["unit"]:
            new_units = self.env["uom.uom"].create(
                [{"name": name, "is_galenic_form": True} for name in to_create["unit"].values()]
            )
            units.update(zip(to_create["unit"], new_units, strict=True))
        products = {}
        if to_create["article"]:
            templates = self.env["product.template"].create(
                [
                    {
                        "name": values["name"],
                        "default_code": code,
                        "categ_id": groups[values["group"]].id,
                        "bhima_type_id": types[values["type"]].id,
                        "uom_id": units[values["unit"]].id,
                        "list_price": values["price"],
                        "bhima_consumable": values["consumable"],
                        "bhima_is_asset": values["is_asset"],
                        "bhima_brand": values["brand"] or False,
                        "bhima_model": values["model"] or False,
                    }
                    for code, values in to_create["article"].items()
                ]
            )
            not_storable = templates.filtered(lambda t: not t.is_storable)
            if not_storable:
                raise UserError(
                    self.env._(
                        "The articles %(codes)s are not managed in stock (their inventory type): "
                        "they cannot enter a depot.",
                        codes=", ".join(not_storable.mapped("default_code")),
                    )
                )
            products = {
                template.default_code: template.product_variant_id for template in templates
            }
        by_depot = defaultdict(list)
        for line in plan["lines"]:
            by_depot[line["depot_id"]].append(line)
        movements = self.env["bhima.stock.movement"]
        for depot_id, lines in by_depot.items():
            depot = self.env["stock.warehouse"].browse(depot_id)
            movement = movements.create(
                {
                    "flux_id": self.env.ref("bhima_stock.flux_13").id,
                    "depot_id": depot_id,
                    "company_id": depot.company_id.id,
                    "date": self.date or fields.Datetime.now(),
                    "description": self.env._(
                        "Stock import %(reference)s (%(file)s)",
                        reference=self.name,
                        file=self.filename or "",
                    ),
                    "line_ids": [
                        Command.create(
                            {
                                "product_id": line["product_id"] or products[line["code"]].id,
                                "lot_id": line["lot_id"] or False,
                                "lot_name": line["lot_label"],
                                "expiration_date": line["expiration"] or False,
                                "quantity": line["counted"],
                                "unit_cost": line["unit_cost"],
                            }
                        )
                        for line in lines
                    ],
                }
            )
            movement.action_validate()
            for line, movement_line in zip(lines, movement.line_ids, strict=True):
                values = {}
                if line["serial"] and not movement_line.lot_id.ref:
                    values["ref"] = line["serial"]
                if line["acquisition"]:
                    values["bhima_acquisition_date"] = line["acquisition"]
                if values and movement_line.lot_id:
                    movement_line.lot_id.write(values)
            movements |= movement
        return movements
