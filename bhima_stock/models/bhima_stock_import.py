import base64
import hashlib
import logging
import time
from collections import defaultdict

from odoo import Command, api, fields, models, modules
from odoo.exceptions import AccessError, UserError

from ..tools.bhima_spreadsheet import (
    cell_text,
    normalize_header,
    parse_date,
    parse_number,
    read_table,
    write_csv,
    write_xlsx,
)
from .product_product import BhimaDeferredPrices

_logger = logging.getLogger(__name__)

DEFAULT_MAX_ROWS = 50000
# Progress is reported to the user's web client for files of at least this many rows.
PROGRESS_MIN_ROWS = 2000
PROGRESS_EVERY = 2000
MAX_ERRORS_IN_MESSAGE = 30

# Article file (update mode): column key -> normalized headers accepted (English, French).
ARTICLE_COLUMNS = {
    "code": (
        "code",
        "article code",
        "code article",
        "reference",
        "ref",
        "inventory code",
        "default code",
        "internal reference",
        "reference interne",
        "product code",
        "code produit",
    ),
    "depot": (
        "depot",
        "depot code",
        "code depot",
        "entrepot",
        "code entrepot",
        "warehouse",
        "warehouse code",
        "magasin",
        "code magasin",
    ),
    "stock": (
        "stock",
        "quantity",
        "quantite",
        "qty",
        "qte",
        "counted quantity",
        "quantite comptee",
        "stock reel",
        "quantite en stock",
        "stock physique",
    ),
    "lot": ("lot", "lot number", "numero de lot", "n lot", "no lot", "num lot", "batch"),
    "expiration": (
        "expiration",
        "expiration date",
        "date d expiration",
        "date expiration",
        "date de peremption",
        "peremption",
        "dluo",
        "dlc",
        "expiry",
        "expiry date",
    ),
    "name": ("designation", "name", "libelle", "nom", "article name", "designation article"),
    "sale_price": ("sale price", "prix de vente", "price", "prix", "selling price", "pv"),
    "unit_cost": (
        "unit cost",
        "cout unitaire",
        "cost",
        "cout",
        "prix d achat",
        "purchase price",
        "prix de revient",
    ),
    "group": (
        "group",
        "groupe",
        "inventory group",
        "groupe d articles",
        "famille",
        "category",
        "categorie",
        "group code",
        "code groupe",
    ),
}

# BHIMA's stock import template (server/resources/templates/import-stock-template.csv).
BHIMA_COLUMNS = (
    "inventory_group_name",
    "inventory_code",
    "inventory_text",
    "inventory_type",
    "inventory_unit",
    "inventory_unit_price",
    "inventory_cmm",
    "inventory_consumable",
    "inventory_is_asset",
    "inventory_brand",
    "inventory_model",
    "stock_lot_label",
    "stock_lot_quantity",
    "stock_lot_expiration",
    "stock_serial_number",
    "acquisition_date",
    "depreciation_rate",
)
BHIMA_REQUIRED = (
    "inventory_group_name",
    "inventory_code",
    "inventory_text",
    "inventory_type",
    "inventory_unit",
    "inventory_unit_price",
    "stock_lot_label",
    "stock_lot_quantity",
)
TRUE_WORDS = {"1", "true", "yes", "y", "oui", "o", "x", "vrai"}
FALSE_WORDS = {"0", "false", "no", "n", "non", "faux", ""}


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
    _inherit = ["bhima.internal.fields.mixin", "mail.thread"]
    _order = "id desc"
    _check_company_auto = True
    _bhima_internal_fields = (
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
            record.display_name = (
                record.name if record.name != "/" else self.env._("New import")
            )

    @api.model_create_multi
    def create(self, vals_list):
        records = super().create(vals_list)
        sequence = self.env["ir.sequence"].sudo()
        for record in records:
            record._bhima_internal().name = (
                f"IMP.{sequence.next_by_code('bhima.stock.import')}"
            )
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
        self, file, filename="import.csv", import_type="article", dry_run=True, depot_id=False,
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
    def get_template(self, import_type="article", file_format="xlsx", depot_ids=None,
                     with_stock=False):
        """A template to fill: ``{"filename", "content"}`` (base64). For the
        article file, ``with_stock`` fills it with the current stock of
        ``depot_ids`` (lot by lot): change the Stock column and import it back."""
        if import_type == "bhima":
            header = list(BHIMA_COLUMNS)
            rows = [
                [
                    "Medicaments", "PARA500", "Paracetamol 500 mg", "Article", "Tablet", 0.05,
                    0, 1, 0, "", "", "PA-2601", 1000, "2028-12-31", "", "", 0,
                ]
            ]
            name = "bhima_stock_import"
        else:
            labels = self._bhima_article_labels()
            keys = ("code", "name", "depot", "stock", "lot", "expiration", "sale_price",
                    "unit_cost", "group")
            header = [labels[key] for key in keys]
            rows = (
                self._bhima_stock_rows(depot_ids or [])
                if with_stock
                else [["PARA500", "Paracetamol 500 mg", "PC", 1000, "PA-2601", "31/12/2028",
                       "", "", ""]]
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
            product, lot = products.browse(product_id), lots.browse(lot_id or [])
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
            self.env["ir.config_parameter"].sudo().get_param(
                "bhima_stock.import_max_rows", DEFAULT_MAX_ROWS
            )
        )
        started = time.perf_counter()
        header, rows = read_table(self.env, data, self.filename, max_rows)
        self._bhima_progress(0, len(rows), self.env._("File read"))
        checksum = hashlib.sha1(data).hexdigest()
        if self.import_type == "bhima":
            plan = self._bhima_plan_opening(header, rows)
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
            plan = self._bhima_plan_article(header, rows)
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

    def _bhima_map_columns(self, header, accepted):
        """{key: column index} from the header; raises for a column given twice."""
        lookup = {alias: key for key, aliases in accepted.items() for alias in aliases}
        mapping = {}
        for index, title in enumerate(header):
            key = lookup.get(normalize_header(title))
            if not key:
                continue
            if key in mapping:
                raise UserError(
                    self.env._(
                        "The columns %(first)s and %(second)s of the file say the same thing: "
                        "keep one.",
                        first=header[mapping[key]],
                        second=title,
                    )
                )
            mapping[key] = index
        return mapping

    def _bhima_depots_by_code(self, codes):
        """{code: depot} among the depots of the user's companies."""
        depots = (
            self.env["stock.warehouse"]
            .with_context(active_test=False)
            .search([("code", "in", list(codes)), ("company_id", "in", self.env.companies.ids)])
        )
        result = {}
        for depot in depots:
            result.setdefault(depot.code, self.env["stock.warehouse"])
            result[depot.code] |= depot
        return result

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

    # ------------------------------------------------------------ article file

    def _bhima_plan_article(self, header, rows):
        columns = self._bhima_map_columns(header, ARTICLE_COLUMNS)
        labels = self._bhima_article_labels()
        expected = "; ".join(labels.values())
        if "code" not in columns:
            raise UserError(
                self.env._(
                    "The file has no article code column. Expected columns: %(expected)s. "
                    "Found: %(found)s.",
                    expected=expected,
                    found="; ".join(header),
                )
            )
        if not {"stock", "name", "sale_price", "group"} & set(columns):
            raise UserError(
                self.env._(
                    "The file has no Stock column and no article column to update. Expected "
                    "columns: %(expected)s. Found: %(found)s.",
                    expected=expected,
                    found="; ".join(header),
                )
            )
        if "stock" in columns and "depot" not in columns and not self.depot_id:
            raise UserError(
                self.env._(
                    "The file has a Stock column but no depot code column: add the depot "
                    "code of each row, or choose the depot of the import."
                )
            )
        title = {key: header[index] for key, index in columns.items()}
        errors = []

        def error(row, key, value, message):
            errors.append(self._bhima_error(row, title.get(key, labels[key]), value, message))

        def cell(cells, key):
            index = columns.get(key)
            if index is None or index >= len(cells):
                return None
            value = cells[index]
            return None if value in (None, "") else value

        # 1. everything the rows name, fetched in a few queries
        codes, depot_codes, lot_names, group_names = set(), set(), set(), set()
        default_depot = self.depot_id
        for _number, cells in rows:
            codes.add(cell_text(cell(cells, "code")))
            depot_codes.add(cell_text(cell(cells, "depot")))
            lot_names.add(cell_text(cell(cells, "lot")))
            group_names.add(cell_text(cell(cells, "group")))
        Product = self.env["product.product"].with_context(active_test=False)
        products = Product.search(
            [
                ("default_code", "in", list(codes - {""})),
                ("company_id", "in", [False, *self.env.companies.ids]),
            ]
        )
        products.fetch(
            ["default_code", "active", "is_storable", "tracking", "name", "categ_id",
             "uom_id", "list_price", "product_tmpl_id", "use_expiration_date"]
        )
        by_code = defaultdict(list)
        for product in products:
            by_code[product.default_code].append(product)
        depots = self._bhima_depots_by_code(depot_codes - {""})
        depot_errors = {}
        for depot_records in depots.values():
            for depot in depot_records:
                depot_errors[depot.id] = self._bhima_depot_error(depot)
        if default_depot:
            depot_errors[default_depot.id] = self._bhima_depot_error(default_depot)
        lots = self.env["stock.lot"].search(
            [
                ("product_id", "in", products.ids),
                ("name", "in", list(lot_names - {""})),
                ("company_id", "in", [False, *self.env.companies.ids]),
            ]
        )
        lots.fetch(["name", "product_id", "expiration_date"])
        lot_by_key = {(lot.product_id.id, lot.name): lot for lot in lots}
        groups = {}
        if "group" in columns:
            Category = self.env["product.category"]
            for category in Category.search(
                ["|", ("bhima_code", "in", list(group_names)), ("name", "in", list(group_names))]
            ):
                groups.setdefault(category.bhima_code, category)
                groups.setdefault(category.name, category)
        can_write_articles = self.env["product.template"].has_access("write")
        today = fields.Date.context_today(self)

        # 2. every row checked
        wanted = {}  # (depot id, product id, lot key) -> row data
        whole_article = {}  # (depot id, product id) -> row of a row without lot / with lot
        updates = {}  # product template -> {field: (value, row)}
        update_rows = []
        for index, (number, cells) in enumerate(rows):
            if index and index % PROGRESS_EVERY == 0:
                self._bhima_progress(index, len(rows), self.env._("Rows checked"))
            code = cell_text(cell(cells, "code"))
            if not code:
                error(number, "code", "", self.env._("The article code is missing."))
                continue
            candidates = by_code.get(code)
            if not candidates:
                error(number, "code", code, self.env._("Unknown article code %(code)s.", code=code))
                continue
            if len(candidates) > 1:
                error(
                    number,
                    "code",
                    code,
                    self.env._("Several articles have the code %(code)s.", code=code),
                )
                continue
            product = candidates[0]
            if not product.active:
                error(
                    number,
                    "code",
                    code,
                    self.env._("The article %(code)s is archived.", code=code),
                )
                continue
            # article fields
            template = product.product_tmpl_id
            changes = {}
            name = cell(cells, "name")
            if name is not None and cell_text(name) != template.name:
                changes["name"] = cell_text(name)
            price = cell(cells, "sale_price")
            if price is not None:
                try:
                    price = parse_number(price)
                except ValueError:
                    error(number, "sale_price", price, self.env._("The sale price is not a number."))
                else:
                    if price < 0:
                        error(
                            number,
                            "sale_price",
                            price,
                            self.env._("The sale price cannot be negative."),
                        )
                    elif template.currency_id.compare_amounts(price, template.list_price):
                        changes["list_price"] = price
            group_name = cell(cells, "group")
            if group_name is not None:
                group = groups.get(cell_text(group_name))
                if not group:
                    error(
                        number,
                        "group",
                        group_name,
                        self.env._("Unknown inventory group %(group)s.", group=group_name),
                    )
                elif group != template.categ_id:
                    changes["categ_id"] = group.id
            if changes:
                if not can_write_articles:
                    error(
                        number,
                        "name" if "name" in changes else next(iter(changes)).replace(
                            "list_price", "sale_price"
                        ).replace("categ_id", "group"),
                        "",
                        self.env._(
                            "You may not change articles: leave the article columns empty or "
                            "ask a stock manager."
                        ),
                    )
                else:
                    known = updates.setdefault(template, {})
                    for field, value in changes.items():
                        if field in known and known[field][0] != value:
                            error(
                                number,
                                {"name": "name", "list_price": "sale_price"}.get(field, "group"),
                                value,
                                self.env._(
                                    "Row %(row)s gives another value for this article.",
                                    row=known[field][1],
                                ),
                            )
                        else:
                            known[field] = (value, number)
                    update_rows.append((number, product, changes))
            # stock
            quantity = cell(cells, "stock")
            if quantity is None:
                continue
            try:
                quantity = parse_number(quantity)
            except ValueError:
                error(number, "stock", quantity, self.env._("The quantity is not a number."))
                continue
            if quantity < 0:
                error(number, "stock", quantity, self.env._("The quantity cannot be negative."))
                continue
            if not product.is_storable:
                error(
                    number,
                    "code",
                    code,
                    self.env._("The article %(code)s is not managed in stock.", code=code),
                )
                continue
            depot_code = cell_text(cell(cells, "depot"))
            if depot_code:
                depot = depots.get(depot_code)
                if not depot:
                    error(
                        number,
                        "depot",
                        depot_code,
                        self.env._("Unknown depot code %(depot)s.", depot=depot_code),
                    )
                    continue
                if len(depot) > 1:
                    error(
                        number,
                        "depot",
                        depot_code,
                        self.env._(
                            "Several depots of your companies have the code %(depot)s.",
                            depot=depot_code,
                        ),
                    )
                    continue
            elif default_depot:
                depot = default_depot
            else:
                error(number, "depot", "", self.env._("The depot code is missing."))
                continue
            if depot_errors.get(depot.id):
                error(number, "depot", depot_code, depot_errors[depot.id])
                continue
            lot_label = cell_text(cell(cells, "lot"))
            expiration = cell(cells, "expiration")
            if expiration is not None:
                try:
                    expiration = parse_date(expiration)
                except ValueError:
                    error(
                        number,
                        "expiration",
                        expiration,
                        self.env._("The expiration date is not a date (dd/mm/yyyy)."),
                    )
                    continue
            lot = None
            if lot_label:
                if product.tracking == "none":
                    error(
                        number,
                        "lot",
                        lot_label,
                        self.env._("The article %(code)s is not followed by lot.", code=code),
                    )
                    continue
                lot = lot_by_key.get((product.id, lot_label))
                if lot and expiration and lot.expiration_date and (
                    fields.Date.context_today(self, lot.expiration_date) != expiration
                ):
                    error(
                        number,
                        "expiration",
                        expiration,
                        self.env._(
                            "The lot %(lot)s already exists and expires on %(date)s.",
                            lot=lot_label,
                            date=lot.expiration_date.date(),
                        ),
                    )
                    continue
            key = (depot.id, product.id, lot_label or None)
            if key in wanted:
                error(
                    number,
                    "code",
                    code,
                    self.env._("Duplicate of row %(row)s.", row=wanted[key]["row"]),
                )
                continue
            article_key = (depot.id, product.id)
            previous = whole_article.get(article_key)
            if previous and (previous[1] is None or not lot_label):
                error(
                    number,
                    "lot",
                    lot_label,
                    self.env._(
                        "Row %(row)s already gives the stock of this article in this depot: "
                        "give either one row without lot or one row per lot.",
                        row=previous[0],
                    ),
                )
                continue
            whole_article[article_key] = (number, lot_label or None)
            unit_cost = cell(cells, "unit_cost")
            if unit_cost is not None:
                try:
                    unit_cost = parse_number(unit_cost)
                except ValueError:
                    error(number, "unit_cost", unit_cost, self.env._("The unit cost is not a number."))
                    continue
                if unit_cost < 0:
                    error(
                        number,
                        "unit_cost",
                        unit_cost,
                        self.env._("The unit cost cannot be negative."),
                    )
                    continue
            wanted[key] = {
                "row": number,
                "depot": depot,
                "product": product,
                "lot": lot,
                "lot_label": lot_label,
                "expiration": expiration,
                "counted": quantity,
                "unit_cost": unit_cost,
            }
        self._bhima_progress(len(rows), len(rows), self.env._("Rows checked"))

        # 3. the current stock of every row, in one query
        balances = self.env["stock.warehouse"]._bhima_current_balances(
            list({key[0] for key in wanted}), list({key[1] for key in wanted})
        )
        per_article = defaultdict(list)  # (depot, product) -> [(lot id, quantity)]
        for (depot_id, product_id, lot_id), quantity in balances.items():
            per_article[(depot_id, product_id)].append((lot_id, quantity))
        fefo_lots = self.env["stock.lot"].browse(
            {lot for (_d, _p, lot) in balances if lot}
        )
        fefo_lots.fetch(["name", "expiration_date"])

        # 4. the differences
        lines, preview = [], []
        unchanged = 0
        for (depot_id, product_id, _lot_key), item in wanted.items():
            product, depot = item["product"], item["depot"]
            uom = product.uom_id
            base = {
                "row": item["row"],
                "depot_id": depot_id,
                "product_id": product_id,
                "article_code": product.default_code,
                "article_name": product.name,
                "unit_cost": item["unit_cost"],
            }
            if item["lot_label"] or product.tracking == "none":
                lot = item["lot"]
                current = balances.get((depot_id, product_id, lot.id if lot else None), 0.0)
                difference = uom.round(item["counted"] - current)
                if not uom.compare(difference, 0):
                    unchanged += 1
                    continue
                line = {
                    **base,
                    "lot_id": lot.id if lot else False,
                    "lot_label": item["lot_label"],
                    "expiration": item["expiration"]
                    or (lot.expiration_date.date() if lot and lot.expiration_date else False),
                    "current": current,
                    "counted": item["counted"],
                    "difference": difference,
                }
                if item["lot_label"] and not lot and difference > 0:
                    tracks_expiry = product.categ_id.track_expiration and product.use_expiration_date
                    if tracks_expiry and not item["expiration"]:
                        error(
                            item["row"],
                            "expiration",
                            "",
                            self.env._(
                                "The lot %(lot)s is new: give its expiration date.",
                                lot=item["lot_label"],
                            ),
                        )
                        continue
                    if tracks_expiry and item["expiration"] < today:
                        error(
                            item["row"],
                            "expiration",
                            item["expiration"],
                            self.env._(
                                "The new lot %(lot)s is already expired: it cannot enter a depot.",
                                lot=item["lot_label"],
                            ),
                        )
                        continue
                lines.append(line)
                continue
            # a lot-tracked article without lot: its whole stock in the depot
            in_stock = [
                (fefo_lots.browse(lot_id) if lot_id else None, quantity)
                for lot_id, quantity in per_article.get((depot_id, product_id), [])
            ]
            current = sum(quantity for _lot, quantity in in_stock)
            difference = uom.round(item["counted"] - current)
            if not uom.compare(difference, 0):
                unchanged += 1
                continue
            positive = [(lot, quantity) for lot, quantity in in_stock if lot and quantity > 0]
            positive.sort(
                key=lambda pair: (
                    not pair[0].expiration_date,
                    pair[0].expiration_date or fields.Datetime.now(),
                    pair[0].name,
                )
            )
            if difference > 0:
                if not positive:
                    error(
                        item["row"],
                        "lot",
                        "",
                        self.env._(
                            "The depot has no lot of %(code)s to add %(quantity)s to: give the "
                            "lot number and its expiration date.",
                            code=product.default_code,
                            quantity=difference,
                        ),
                    )
                    continue
                lot, quantity = positive[-1]  # the lot that expires last
                lines.append(
                    {
                        **base,
                        "lot_id": lot.id,
                        "lot_label": lot.name,
                        "expiration": lot.expiration_date.date() if lot.expiration_date else False,
                        "current": quantity,
                        "counted": quantity + difference,
                        "difference": difference,
                        "note": self.env._(
                            "Row without lot: the %(quantity)s found are added to the lot that "
                            "expires last.",
                            quantity=difference,
                        ),
                    }
                )
                continue
            missing = -difference
            for lot, quantity in positive:
                if uom.compare(missing, 0) <= 0:
                    break
                take = min(quantity, missing)
                missing = uom.round(missing - take)
                lines.append(
                    {
                        **base,
                        "lot_id": lot.id,
                        "lot_label": lot.name,
                        "expiration": lot.expiration_date.date() if lot.expiration_date else False,
                        "current": quantity,
                        "counted": uom.round(quantity - take),
                        "difference": -take,
                        "note": self.env._(
                            "Row without lot: the missing quantity is taken first expiry first out."
                        ),
                    }
                )
        for line in lines:
            line["movement"] = "entry" if line["difference"] > 0 else "exit"
            preview.append(line)
        for number, product, changes in update_rows:
            template = product.product_tmpl_id
            notes = []
            if "name" in changes:
                notes.append(
                    self.env._(
                        "designation: %(old)s -> %(new)s", old=template.name, new=changes["name"]
                    )
                )
            if "list_price" in changes:
                notes.append(
                    self.env._(
                        "sale price: %(old)s -> %(new)s",
                        old=template.list_price,
                        new=changes["list_price"],
                    )
                )
            if "categ_id" in changes:
                notes.append(
                    self.env._(
                        "group: %(old)s -> %(new)s",
                        old=template.categ_id.display_name,
                        new=self.env["product.category"].browse(changes["categ_id"]).display_name,
                    )
                )
            preview.append(
                {
                    "row": number,
                    "product_id": product.id,
                    "article_code": product.default_code,
                    "article_name": product.name,
                    "movement": "none",
                    "note": "; ".join(notes),
                }
            )
        preview.sort(key=lambda line: line["row"])
        errors.sort(key=lambda e: e["row"])
        return {
            "errors": errors,
            "lines": lines,
            "preview": preview,
            "updates": {
                template: {field: value for field, (value, _row) in values.items()}
                for template, values in updates.items()
            },
            "entries": sum(1 for line in lines if line["difference"] > 0),
            "exits": sum(1 for line in lines if line["difference"] < 0),
            "unchanged": unchanged,
        }

    # ------------------------------------------------------------ BHIMA import

    def _bhima_plan_opening(self, header, rows):
        accepted = {name: (normalize_header(name),) for name in BHIMA_COLUMNS}
        accepted["depot_code"] = ("depot code", "depot")
        columns = self._bhima_map_columns(header, accepted)
        missing = [name for name in BHIMA_REQUIRED if name not in columns]
        if missing:
            raise UserError(
                self.env._(
                    "This is not BHIMA's stock import template: the columns %(missing)s are "
                    "missing. Expected columns: %(expected)s.",
                    missing=", ".join(missing),
                    expected=", ".join(BHIMA_COLUMNS),
                )
            )
        if "depot_code" not in columns and not self.depot_id:
            raise UserError(self.env._("Choose the depot the stock enters."))
        title = {key: header[index] for key, index in columns.items()}
        errors = []

        def error(row, key, value, message):
            errors.append(self._bhima_error(row, title.get(key, key), value, message))

        def cell(cells, key):
            index = columns.get(key)
            if index is None or index >= len(cells):
                return None
            value = cells[index]
            return None if value in (None, "") else value

        texts = defaultdict(set)
        for _number, cells in rows:
            for key in ("inventory_code", "inventory_group_name", "inventory_type",
                        "inventory_unit", "depot_code", "stock_lot_label"):
                texts[key].add(cell_text(cell(cells, key)))
        products = {
            product.default_code: product
            for product in self.env["product.product"]
            .with_context(active_test=False)
            .search(
                [
                    ("default_code", "in", list(texts["inventory_code"] - {""})),
                    ("company_id", "in", [False, *self.env.companies.ids]),
                ]
            )
        }
        groups = {}
        for category in self.env["product.category"].search(
            [("name", "in", list(texts["inventory_group_name"] - {""}))]
        ):
            groups.setdefault(category.name.lower(), category)
        types = {t.name.lower(): t for t in self.env["bhima.inventory.type"].search([])}
        units = {}
        for unit in self.env["uom.uom"].search([]):
            for label in (unit.name, unit.bhima_abbreviation, unit.bhima_token):
                if label:
                    units.setdefault(label.lower(), unit)
        depots = self._bhima_depots_by_code(texts["depot_code"] - {""})
        lots = self.env["stock.lot"].search(
            [
                ("product_id", "in", [p.id for p in products.values()]),
                ("name", "in", list(texts["stock_lot_label"] - {""})),
            ]
        )
        lot_by_key = {(lot.product_id.id, lot.name): lot for lot in lots}
        may_create = {
            "group": self.env["product.category"].has_access("create"),
            "type": self.env["bhima.inventory.type"].has_access("create"),
            "unit": self.env["uom.uom"].has_access("create"),
            "article": self.env["product.template"].has_access("create"),
        }
        today = fields.Date.context_today(self)
        depot_errors = {}
        to_create = {"group": {}, "type": {}, "unit": {}, "article": {}}
        group_has_expiry = defaultdict(bool)
        lines, seen = [], {}

        def boolean(number, key, cells):
            value = cell(cells, key)
            text = normalize_header(cell_text(value))
            if text in TRUE_WORDS:
                return True
            if text in FALSE_WORDS:
                return False
            error(number, key, value, self.env._("Write 1 (yes) or 0 (no)."))
            return False

        def number_cell(number, key, cells, required=False, positive=False):
            value = cell(cells, key)
            if value is None:
                if required:
                    error(number, key, "", self.env._("This value is required."))
                return None
            try:
                result = parse_number(value)
            except ValueError:
                error(number, key, value, self.env._("This is not a number."))
                return None
            if result < 0 or (positive and result <= 0):
                error(
                    number,
                    key,
                    value,
                    self.env._("The quantity must be positive.")
                    if positive
                    else self.env._("This value cannot be negative."),
                )
                return None
            return result

        def date_cell(number, key, cells):
            value = cell(cells, key)
            if value is None:
                return None
            try:
                return parse_date(value)
            except ValueError:
                error(number, key, value, self.env._("This is not a date (dd/mm/yyyy)."))
                return None

        for index, (number, cells) in enumerate(rows):
            if index and index % PROGRESS_EVERY == 0:
                self._bhima_progress(index, len(rows), self.env._("Rows checked"))
            errors_before = len(errors)
            code = cell_text(cell(cells, "inventory_code"))
            label = cell_text(cell(cells, "stock_lot_label"))
            text = cell_text(cell(cells, "inventory_text"))
            group_name = cell_text(cell(cells, "inventory_group_name"))
            type_name = cell_text(cell(cells, "inventory_type"))
            unit_name = cell_text(cell(cells, "inventory_unit"))
            for key, value in (
                ("inventory_code", code),
                ("stock_lot_label", label),
                ("inventory_group_name", group_name),
                ("inventory_type", type_name),
                ("inventory_unit", unit_name),
            ):
                if not value:
                    error(number, key, "", self.env._("This value is required."))
            price = number_cell(number, "inventory_unit_price", cells, required=True)
            quantity = number_cell(number, "stock_lot_quantity", cells, required=True,
                                   positive=True)
            number_cell(number, "inventory_cmm", cells)
            rate = number_cell(number, "depreciation_rate", cells)
            if rate is not None and rate > 100:
                error(number, "depreciation_rate", rate,
                      self.env._("The depreciation rate must be between 0 and 100 percent."))
            expiration = date_cell(number, "stock_lot_expiration", cells)
            acquisition = date_cell(number, "acquisition_date", cells)
            consumable = boolean(number, "inventory_consumable", cells)
            is_asset = boolean(number, "inventory_is_asset", cells)
            depot_code = cell_text(cell(cells, "depot_code"))
            depot = depots.get(depot_code) if depot_code else self.depot_id
            if depot_code and not depot:
                error(number, "depot_code", depot_code,
                      self.env._("Unknown depot code %(depot)s.", depot=depot_code))
            elif depot and len(depot) > 1:
                error(number, "depot_code", depot_code,
                      self.env._("Several depots of your companies have the code %(depot)s.",
                                 depot=depot_code))
                depot = None
            if depot and depot.id not in depot_errors:
                message = self._bhima_depot_error(depot)
                if not message and not depot.sudo().bhima_allow_entry_integration:
                    message = self.env._(
                        "The depot %(depot)s does not allow entries from integration.",
                        depot=depot.code,
                    )
                depot_errors[depot.id] = message
            if depot and depot_errors.get(depot.id):
                error(number, "depot_code", depot.code, depot_errors[depot.id])
            product = products.get(code)
            if product and not product.active:
                error(number, "inventory_code", code,
                      self.env._("The article %(code)s is archived.", code=code))
            elif product and not product.is_storable:
                error(number, "inventory_code", code,
                      self.env._("The article %(code)s is not managed in stock.", code=code))
            group = product.categ_id if product else groups.get(group_name.lower())
            if not product:
                if not group and group_name:
                    if not may_create["group"]:
                        error(number, "inventory_group_name", group_name,
                              self.env._("Unknown inventory group %(group)s: only a stock "
                                         "manager can create it.", group=group_name))
                    to_create["group"].setdefault(group_name.lower(), (group_name, rate))
                if type_name and type_name.lower() not in types:
                    if not may_create["type"]:
                        error(number, "inventory_type", type_name,
                              self.env._("Unknown inventory type %(type)s: only a stock "
                                         "manager can create it.", type=type_name))
                    to_create["type"].setdefault(type_name.lower(), type_name)
                if unit_name and unit_name.lower() not in units:
                    if not may_create["unit"]:
                        error(number, "inventory_unit", unit_name,
                              self.env._("Unknown unit %(unit)s: only a stock manager can "
                                         "create it.", unit=unit_name))
                    to_create["unit"].setdefault(unit_name.lower(), unit_name)
                if code and not text:
                    pass  # reported above
                if code and not may_create["article"]:
                    error(number, "inventory_code", code,
                          self.env._("Unknown article %(code)s: only a stock manager can "
                                     "create it.", code=code))
                elif code and code in to_create["article"]:
                    previous = to_create["article"][code]
                    if previous["name"] != text:
                        error(number, "inventory_text", text,
                              self.env._("Row %(row)s gives another designation for the "
                                         "article %(code)s.", row=previous["row"], code=code))
                elif code:
                    to_create["article"][code] = {
                        "row": number,
                        "name": text,
                        "group": group_name.lower(),
                        "type": type_name.lower(),
                        "unit": unit_name.lower(),
                        "price": price or 0.0,
                        "consumable": consumable,
                        "is_asset": is_asset,
                        "brand": cell_text(cell(cells, "inventory_brand")),
                        "model": cell_text(cell(cells, "inventory_model")),
                    }
            lot = lot_by_key.get((product.id, label)) if product else None
            if expiration:
                group_has_expiry[group_name.lower()] = True
            tracks_expiry = (
                (product.categ_id.track_expiration and product.use_expiration_date)
                if product
                else (group.track_expiration if group else None)
            )
            if lot and expiration and lot.expiration_date and (
                fields.Date.context_today(self, lot.expiration_date) != expiration
            ):
                error(number, "stock_lot_expiration", expiration,
                      self.env._("The lot %(lot)s already exists and expires on %(date)s.",
                                 lot=label, date=lot.expiration_date.date()))
            elif not lot and tracks_expiry and not expiration:
                error(number, "stock_lot_expiration", "",
                      self.env._("The lot %(lot)s is new: give its expiration date.", lot=label))
            if expiration and expiration < today and not lot:
                error(number, "stock_lot_expiration", expiration,
                      self.env._("The lot %(lot)s is already expired: it cannot enter a depot.",
                                 lot=label))
            key = (depot.id if depot else 0, code, label)
            if code and label and key in seen:
                error(number, "stock_lot_label", label,
                      self.env._("Duplicate of row %(row)s.", row=seen[key]))
            seen.setdefault(key, number)
            if len(errors) == errors_before:
                lines.append(
                    {
                        "row": number,
                        "depot_id": depot.id,
                        "code": code,
                        "product_id": product.id if product else False,
                        "article_code": code,
                        "article_name": product.name if product else text,
                        "lot_id": lot.id if lot else False,
                        "lot_label": label,
                        "expiration": expiration
                        or (lot.expiration_date.date() if lot and lot.expiration_date else False),
                        "counted": quantity,
                        "difference": quantity,
                        "current": 0.0,
                        "unit_cost": price or 0.0,
                        "serial": cell_text(cell(cells, "stock_serial_number")),
                        "acquisition": acquisition,
                        "movement": "entry",
                        "note": False if product else self.env._("New article"),
                    }
                )
        # a new group tracks expiration when its rows give expiration dates
        for key, (name, rate) in list(to_create["group"].items()):
            to_create["group"][key] = (name, rate, group_has_expiry[key])
        missing_expiry = [
            line for line in lines
            if not line["product_id"] and not line["expiration"]
            and group_has_expiry[to_create["article"][line["code"]]["group"]]
            and to_create["article"][line["code"]]["group"] in to_create["group"]
        ]
        for line in missing_expiry:
            error(line["row"], "stock_lot_expiration", "",
                  self.env._("The lot %(lot)s is new: give its expiration date.",
                             lot=line["lot_label"]))
        errors.sort(key=lambda e: e["row"])
        self._bhima_progress(len(rows), len(rows), self.env._("Rows checked"))
        created = sum(len(values) for values in to_create.values())
        return {
            "errors": errors,
            "lines": lines,
            "preview": lines,
            "create": to_create,
            "groups": groups,
            "types": types,
            "units": units,
            "created": created,
            "entries": len(lines),
            "exits": 0,
            "unchanged": 0,
        }

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
                        "Import %(reference)s (%(file)s)", reference=self.name, file=self.filename or ""
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
