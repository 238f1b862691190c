"""What an import would do, checked row by row without writing anything: the
plans of ``bhima.stock.import`` (article file in update mode, BHIMA's stock
import). Everything the rows name is fetched in a few queries; the current stock
of all rows is one query; every error is collected with its row and column."""

from collections import defaultdict

from odoo import fields
from odoo.exceptions import UserError

from .bhima_spreadsheet import cell_text, normalize_header, parse_date, parse_number

PROGRESS_EVERY = 2000

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
ARTICLE_FIELD_COLUMNS = {"name": "name", "list_price": "sale_price", "categ_id": "group"}

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


class RowError(Exception):
    """A row's error already recorded: stop checking this row."""


class Planner:
    """Columns, cells and errors of one file."""

    accepted = {}

    def __init__(self, importer, header, rows):
        self.importer = importer
        self.env = importer.env
        self.header = header
        self.rows = rows
        self.columns = self._map_columns()
        self.titles = {key: header[index] for key, index in self.columns.items()}
        self.errors = []
        self.today = fields.Date.context_today(importer)

    def _map_columns(self):
        """{key: column index} from the header; raises for a column given twice."""
        lookup = {alias: key for key, aliases in self.accepted.items() for alias in aliases}
        mapping = {}
        for index, title in enumerate(self.header):
            key = lookup.get(normalize_header(title))
            if not key:
                continue
            if key in mapping:
                raise UserError(
                    self.env._(
                        "The columns %(first)s and %(second)s of the file say the same thing: "
                        "keep one.",
                        first=self.header[mapping[key]],
                        second=title,
                    )
                )
            mapping[key] = index
        return mapping

    def label(self, key):
        return self.titles.get(key, key)

    def cell(self, cells, key):
        index = self.columns.get(key)
        if index is None or index >= len(cells):
            return None
        value = cells[index]
        return None if value in (None, "") else value

    def text(self, cells, key):
        return cell_text(self.cell(cells, key))

    def error(self, row, key, value, message, stop=False):
        self.errors.append(
            {
                "row": row,
                "column": self.label(key) if key else "",
                "value": cell_text(value),
                "message": message,
            }
        )
        if stop:
            raise RowError

    def number(self, row, cells, key, message, negative_message):
        """The cell as a number (None when empty); records the errors."""
        value = self.cell(cells, key)
        if value is None:
            return None
        try:
            number = parse_number(value)
        except ValueError as parse_error:
            self.error(row, key, value, message)
            raise RowError from parse_error
        if number < 0:
            self.error(row, key, value, negative_message, stop=True)
        return number

    def progress(self, index):
        if index and index % PROGRESS_EVERY == 0:
            self.importer._bhima_progress(index, len(self.rows), self.env._("Rows checked"))

    def depots_by_code(self, codes):
        """{code: depots} among the depots of the user's companies."""
        depots = (
            self.env["stock.warehouse"]
            .with_context(active_test=False)
            .search(
                [("code", "in", list(codes - {""})), ("company_id", "in", self.env.companies.ids)]
            )
        )
        result = defaultdict(lambda: self.env["stock.warehouse"])
        for depot in depots:
            result[depot.code] |= depot
        return dict(result)

    def depot_error(self, depot):
        """Why the user cannot move stock in ``depot``, or None."""
        return self.importer._bhima_depot_error(depot)

    def lot_expiration(self, lot):
        return fields.Date.context_today(self.importer, lot.expiration_date)

    def finish(self, plan):
        self.importer._bhima_progress(len(self.rows), len(self.rows), self.env._("Rows checked"))
        self.errors.sort(key=lambda error: error["row"])
        plan["errors"] = self.errors
        return plan


class ArticleFilePlanner(Planner):
    """The article file in update mode: per row, the file's quantity against
    the current stock of the lot (or article) in the depot."""

    accepted = ARTICLE_COLUMNS

    def __init__(self, importer, header, rows):
        super().__init__(importer, header, rows)
        self.labels = importer._bhima_article_labels()
        self.titles = {key: self.titles.get(key, self.labels[key]) for key in self.labels}
        self._check_columns()
        self.wanted = {}  # (depot id, product id, lot name or None) -> row data
        self.whole_article = {}  # (depot id, product id) -> (row, lot name or None)
        self.updates = {}  # product template -> {field: (value, row)}
        self.update_rows = []

    def _check_columns(self):
        expected = "; ".join(self.labels.values())
        found = "; ".join(self.header)
        if "code" not in self.columns:
            raise UserError(
                self.env._(
                    "The file has no article code column. Expected columns: %(expected)s. "
                    "Found: %(found)s.",
                    expected=expected,
                    found=found,
                )
            )
        if not {"stock", "name", "sale_price", "group"} & set(self.columns):
            raise UserError(
                self.env._(
                    "The file has no Stock column and no article column to update. Expected "
                    "columns: %(expected)s. Found: %(found)s.",
                    expected=expected,
                    found=found,
                )
            )
        if "stock" in self.columns and "depot" not in self.columns and not self.importer.depot_id:
            raise UserError(
                self.env._(
                    "The file has a Stock column but no depot code column: add the depot "
                    "code of each row, or choose the depot of the import."
                )
            )

    def plan(self):
        self._fetch()
        for index, (number, cells) in enumerate(self.rows):
            self.progress(index)
            try:
                self._check_row(number, cells)
            except RowError:
                continue
        lines, unchanged = self._differences()
        preview = [
            dict(line, movement="entry" if line["difference"] > 0 else "exit") for line in lines
        ]
        preview += self._update_preview()
        preview.sort(key=lambda line: line["row"])
        return self.finish(
            {
                "lines": lines,
                "preview": preview,
                "updates": {
                    template: {field: value for field, (value, _row) in values.items()}
                    for template, values in self.updates.items()
                },
                "entries": sum(1 for line in lines if line["difference"] > 0),
                "exits": sum(1 for line in lines if line["difference"] < 0),
                "unchanged": unchanged,
            }
        )

    # -------------------------------------------------- what the rows name

    def _fetch(self):
        texts = defaultdict(set)
        for _number, cells in self.rows:
            for key in ("code", "depot", "lot", "group"):
                texts[key].add(self.text(cells, key))
        companies = [False, *self.env.companies.ids]
        products = (
            self.env["product.product"]
            .with_context(active_test=False)
            .search(
                [
                    ("default_code", "in", list(texts["code"] - {""})),
                    ("company_id", "in", companies),
                ]
            )
        )
        products.fetch(
            [
                "default_code",
                "active",
                "is_storable",
                "tracking",
                "name",
                "categ_id",
                "uom_id",
                "list_price",
                "product_tmpl_id",
                "use_expiration_date",
            ]
        )
        self.products = defaultdict(list)
        for product in products:
            self.products[product.default_code].append(product)
        self.depots = self.depots_by_code(texts["depot"])
        self.depot_errors = {
            depot.id: self.depot_error(depot) for depots in self.depots.values() for depot in depots
        }
        if self.importer.depot_id:
            depot = self.importer.depot_id
            self.depot_errors[depot.id] = self.depot_error(depot)
        lots = self.env["stock.lot"].search(
            [
                ("product_id", "in", products.ids),
                ("name", "in", list(texts["lot"] - {""})),
                ("company_id", "in", companies),
            ]
        )
        lots.fetch(["name", "product_id", "expiration_date"])
        self.lots = {(lot.product_id.id, lot.name): lot for lot in lots}
        self.groups = {}
        if "group" in self.columns:
            names = list(texts["group"])
            for group in self.env["product.category"].search(
                ["|", ("bhima_code", "in", names), ("name", "in", names)]
            ):
                self.groups.setdefault(group.bhima_code, group)
                self.groups.setdefault(group.name, group)
        self.can_write_articles = self.env["product.template"].has_access("write")

    # -------------------------------------------------- one row

    def _check_row(self, number, cells):
        product = self._row_product(number, cells)
        self._row_article_changes(number, cells, product)
        quantity = self.number(
            number,
            cells,
            "stock",
            self.env._("The quantity is not a number."),
            self.env._("The quantity cannot be negative."),
        )
        if quantity is None:
            return
        if not product.is_storable:
            self.error(
                number,
                "code",
                product.default_code,
                self.env._(
                    "The article %(code)s is not managed in stock.", code=product.default_code
                ),
                stop=True,
            )
        depot = self._row_depot(number, cells)
        lot_label, lot, expiration = self._row_lot(number, cells, product)
        self._check_duplicates(number, depot, product, lot_label)
        unit_cost = self.number(
            number,
            cells,
            "unit_cost",
            self.env._("The unit cost is not a number."),
            self.env._("The unit cost cannot be negative."),
        )
        self.wanted[(depot.id, product.id, lot_label or None)] = {
            "row": number,
            "depot": depot,
            "product": product,
            "lot": lot,
            "lot_label": lot_label,
            "expiration": expiration,
            "counted": quantity,
            "unit_cost": unit_cost,
        }

    def _row_product(self, number, cells):
        code = self.text(cells, "code")
        if not code:
            self.error(number, "code", "", self.env._("The article code is missing."), stop=True)
        candidates = self.products.get(code)
        if not candidates:
            self.error(
                number,
                "code",
                code,
                self.env._("Unknown article code %(code)s.", code=code),
                stop=True,
            )
        if len(candidates) > 1:
            self.error(
                number,
                "code",
                code,
                self.env._("Several articles have the code %(code)s.", code=code),
                stop=True,
            )
        if not candidates[0].active:
            self.error(
                number,
                "code",
                code,
                self.env._("The article %(code)s is archived.", code=code),
                stop=True,
            )
        return candidates[0]

    def _row_article_changes(self, number, cells, product):
        """Designation, sale price and group that differ from the article. Their
        errors do not stop checking the row's stock."""
        template = product.product_tmpl_id
        changes = {}
        name = self.text(cells, "name")
        if name and name != template.name:
            changes["name"] = name
        try:
            price = self.number(
                number,
                cells,
                "sale_price",
                self.env._("The sale price is not a number."),
                self.env._("The sale price cannot be negative."),
            )
        except RowError:
            price = None
        if price is not None and template.currency_id.compare_amounts(price, template.list_price):
            changes["list_price"] = price
        group_name = self.text(cells, "group")
        group = self.groups.get(group_name) if group_name else template.categ_id
        if group_name and not group:
            self.error(
                number,
                "group",
                group_name,
                self.env._("Unknown inventory group %(group)s.", group=group_name),
            )
        elif group != template.categ_id:
            changes["categ_id"] = group.id
        if not changes:
            return
        if not self.can_write_articles:
            self.error(
                number,
                ARTICLE_FIELD_COLUMNS[next(iter(changes))],
                "",
                self.env._(
                    "You may not change articles: leave the article columns empty or "
                    "ask a stock manager."
                ),
            )
            return
        known = self.updates.setdefault(template, {})
        for field, value in changes.items():
            if field in known and known[field][0] != value:
                self.error(
                    number,
                    ARTICLE_FIELD_COLUMNS[field],
                    value,
                    self.env._(
                        "Row %(row)s gives another value for this article.", row=known[field][1]
                    ),
                )
            known.setdefault(field, (value, number))
        self.update_rows.append((number, product, changes))

    def _row_depot(self, number, cells):
        code = self.text(cells, "depot")
        if not code:
            if not self.importer.depot_id:
                self.error(number, "depot", "", self.env._("The depot code is missing."), stop=True)
            depot = self.importer.depot_id
        else:
            depot = self.depots.get(code)
            if not depot:
                self.error(
                    number,
                    "depot",
                    code,
                    self.env._("Unknown depot code %(depot)s.", depot=code),
                    stop=True,
                )
            if len(depot) > 1:
                self.error(
                    number,
                    "depot",
                    code,
                    self.env._(
                        "Several depots of your companies have the code %(depot)s.", depot=code
                    ),
                    stop=True,
                )
        if self.depot_errors.get(depot.id):
            self.error(number, "depot", code, self.depot_errors[depot.id], stop=True)
        return depot

    def _row_lot(self, number, cells, product):
        lot_label = self.text(cells, "lot")
        expiration = self.cell(cells, "expiration")
        if expiration is not None:
            try:
                expiration = parse_date(expiration)
            except ValueError:
                self.error(
                    number,
                    "expiration",
                    expiration,
                    self.env._("The expiration date is not a date (dd/mm/yyyy)."),
                    stop=True,
                )
        if not lot_label:
            return "", None, expiration
        if product.tracking == "none":
            self.error(
                number,
                "lot",
                lot_label,
                self.env._(
                    "The article %(code)s is not followed by lot.", code=product.default_code
                ),
                stop=True,
            )
        lot = self.lots.get((product.id, lot_label))
        if lot and expiration and lot.expiration_date and self.lot_expiration(lot) != expiration:
            self.error(
                number,
                "expiration",
                expiration,
                self.env._(
                    "The lot %(lot)s already exists and expires on %(date)s.",
                    lot=lot_label,
                    date=self.lot_expiration(lot),
                ),
                stop=True,
            )
        return lot_label, lot, expiration

    def _check_duplicates(self, number, depot, product, lot_label):
        key = (depot.id, product.id, lot_label or None)
        if key in self.wanted:
            self.error(
                number,
                "code",
                product.default_code,
                self.env._("Duplicate of row %(row)s.", row=self.wanted[key]["row"]),
                stop=True,
            )
        previous = self.whole_article.get((depot.id, product.id))
        if previous and (previous[1] is None or not lot_label):
            self.error(
                number,
                "lot",
                lot_label,
                self.env._(
                    "Row %(row)s already gives the stock of this article in this depot: "
                    "give either one row without lot or one row per lot.",
                    row=previous[0],
                ),
                stop=True,
            )
        self.whole_article[(depot.id, product.id)] = (number, lot_label or None)

    # -------------------------------------------------- the differences

    def _differences(self):
        """The count lines of the rows whose stock differs, from the current
        stock of every row read in one query."""
        balances = self.env["stock.warehouse"]._bhima_current_balances(
            list({key[0] for key in self.wanted}), list({key[1] for key in self.wanted})
        )
        self.per_article = defaultdict(list)
        for (depot_id, product_id, lot_id), quantity in balances.items():
            self.per_article[(depot_id, product_id)].append((lot_id, quantity))
        self.stock_lots = self.env["stock.lot"].browse({key[2] for key in balances if key[2]})
        self.stock_lots.fetch(["name", "expiration_date"])
        lines, unchanged = [], 0
        for (depot_id, product_id, _lot_key), item in self.wanted.items():
            base = {
                "row": item["row"],
                "depot_id": depot_id,
                "product_id": product_id,
                "article_code": item["product"].default_code,
                "article_name": item["product"].name,
                "unit_cost": item["unit_cost"],
            }
            if item["lot_label"] or item["product"].tracking == "none":
                found = self._difference_of_lot(item, base, balances)
            else:
                found = self._difference_of_article(item, base)
            unchanged += not found
            lines += found
        return lines, unchanged

    def _difference_of_lot(self, item, base, balances):
        product, lot = item["product"], item["lot"]
        current = balances.get((base["depot_id"], product.id, lot.id if lot else None), 0.0)
        difference = product.uom_id.round(item["counted"] - current)
        if not product.uom_id.compare(difference, 0):
            return []
        if item["lot_label"] and not lot and difference > 0:
            tracks_expiry = product.categ_id.track_expiration and product.use_expiration_date
            if tracks_expiry and not item["expiration"]:
                self.error(
                    item["row"],
                    "expiration",
                    "",
                    self.env._(
                        "The lot %(lot)s is new: give its expiration date.", lot=item["lot_label"]
                    ),
                )
                return []
            if tracks_expiry and item["expiration"] < self.today:
                self.error(
                    item["row"],
                    "expiration",
                    item["expiration"],
                    self.env._(
                        "The new lot %(lot)s is already expired: it cannot enter a depot.",
                        lot=item["lot_label"],
                    ),
                )
                return []
        expiration = item["expiration"] or (
            self.lot_expiration(lot) if lot and lot.expiration_date else False
        )
        return [
            {
                **base,
                "lot_id": lot.id if lot else False,
                "lot_label": item["lot_label"],
                "expiration": expiration,
                "current": current,
                "counted": item["counted"],
                "difference": difference,
            }
        ]

    def _difference_of_article(self, item, base):
        """A lot-tracked article without lot: its whole stock in the depot. The
        missing quantity leaves first expiry first out; an excess enters the lot
        that expires last."""
        product = item["product"]
        uom = product.uom_id
        in_stock = self.per_article.get((base["depot_id"], product.id), [])
        current = sum(quantity for _lot, quantity in in_stock)
        difference = uom.round(item["counted"] - current)
        if not uom.compare(difference, 0):
            return []
        lots = [
            (self.stock_lots.browse(lot_id), quantity)
            for lot_id, quantity in in_stock
            if lot_id and quantity > 0
        ]
        lots.sort(
            key=lambda pair: (
                not pair[0].expiration_date,
                pair[0].expiration_date or fields.Datetime.now(),
                pair[0].name,
            )
        )
        if difference > 0:
            if not lots:
                self.error(
                    item["row"],
                    "lot",
                    "",
                    self.env._(
                        "The depot has no lot of %(code)s to add %(quantity)s to: give "
                        "the lot number and its expiration date.",
                        code=product.default_code,
                        quantity=difference,
                    ),
                )
                return []
            lot, quantity = lots[-1]
            note = self.env._(
                "Row without lot: the %(quantity)s found are added to the lot that expires last.",
                quantity=difference,
            )
            return [self._lot_line(base, lot, quantity, quantity + difference, note)]
        note = self.env._("Row without lot: the missing quantity is taken first expiry first out.")
        lines, missing = [], -difference
        for lot, quantity in lots:
            if uom.compare(missing, 0) <= 0:
                break
            take = min(quantity, missing)
            missing = uom.round(missing - take)
            lines.append(self._lot_line(base, lot, quantity, uom.round(quantity - take), note))
        return lines

    def _lot_line(self, base, lot, current, counted, note):
        return {
            **base,
            "lot_id": lot.id,
            "lot_label": lot.name,
            "expiration": self.lot_expiration(lot) if lot.expiration_date else False,
            "current": current,
            "counted": counted,
            "difference": counted - current,
            "note": note,
        }

    def _update_preview(self):
        preview = []
        for number, product, changes in self.update_rows:
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
                group = self.env["product.category"].browse(changes["categ_id"])
                notes.append(
                    self.env._(
                        "group: %(old)s -> %(new)s",
                        old=template.categ_id.display_name,
                        new=group.display_name,
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
        return preview


class OpeningStockPlanner(Planner):
    """BHIMA's stock import: opening stock by lot (flux 13), creating the
    missing groups, types, units and articles."""

    accepted = {
        **{name: (normalize_header(name),) for name in BHIMA_COLUMNS},
        "depot_code": ("depot code", "depot"),
    }

    def __init__(self, importer, header, rows):
        super().__init__(importer, header, rows)
        missing = [name for name in BHIMA_REQUIRED if name not in self.columns]
        if missing:
            raise UserError(
                self.env._(
                    "This is not BHIMA's stock import template: the columns %(missing)s are "
                    "missing. Expected columns: %(expected)s.",
                    missing=", ".join(missing),
                    expected=", ".join(BHIMA_COLUMNS),
                )
            )
        if "depot_code" not in self.columns and not importer.depot_id:
            raise UserError(self.env._("Choose the depot the stock enters."))
        self.to_create = {"group": {}, "type": {}, "unit": {}, "article": {}}
        self.group_has_expiry = defaultdict(bool)
        self.depot_errors = {}
        self.seen = {}
        self.lines = []

    def plan(self):
        self._fetch()
        for index, (number, cells) in enumerate(self.rows):
            self.progress(index)
            errors_before = len(self.errors)
            line = self._check_row(number, cells)
            if len(self.errors) == errors_before:
                self.lines.append(line)
        self._check_new_groups()
        return self.finish(
            {
                "lines": self.lines,
                "preview": self.lines,
                "create": self.to_create,
                "groups": self.groups,
                "types": self.types,
                "units": self.units,
                "created": sum(len(values) for values in self.to_create.values()),
                "entries": len(self.lines),
                "exits": 0,
                "unchanged": 0,
            }
        )

    def _fetch(self):
        texts = defaultdict(set)
        for _number, cells in self.rows:
            for key in ("inventory_code", "inventory_group_name", "depot_code", "stock_lot_label"):
                texts[key].add(self.text(cells, key))
        self.products = {
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
        self.groups = {}
        for group in self.env["product.category"].search(
            [("name", "in", list(texts["inventory_group_name"] - {""}))]
        ):
            self.groups.setdefault(group.name.lower(), group)
        self.types = {
            inventory_type.name.lower(): inventory_type
            for inventory_type in self.env["bhima.inventory.type"].search([], limit=None)
        }
        self.units = {}
        for unit in self.env["uom.uom"].search([], limit=None):
            for label in (unit.name, unit.bhima_abbreviation, unit.bhima_token):
                if label:
                    self.units.setdefault(label.lower(), unit)
        self.depots = self.depots_by_code(texts["depot_code"])
        lots = self.env["stock.lot"].search(
            [
                ("product_id", "in", [p.id for p in self.products.values()]),
                ("name", "in", list(texts["stock_lot_label"] - {""})),
            ]
        )
        self.lots = {(lot.product_id.id, lot.name): lot for lot in lots}
        self.may_create = {
            "group": self.env["product.category"].has_access("create"),
            "type": self.env["bhima.inventory.type"].has_access("create"),
            "unit": self.env["uom.uom"].has_access("create"),
            "article": self.env["product.template"].has_access("create"),
        }

    # -------------------------------------------------- cells

    def _boolean(self, number, cells, key):
        value = self.cell(cells, key)
        word = normalize_header(cell_text(value))
        if word in TRUE_WORDS:
            return True
        if word not in FALSE_WORDS:
            self.error(number, key, value, self.env._("Write 1 (yes) or 0 (no)."))
        return False

    def _number(self, number, cells, key, required=False, positive=False):
        value = self.cell(cells, key)
        if value is None:
            if required:
                self.error(number, key, "", self.env._("This value is required."))
            return None
        try:
            result = parse_number(value)
        except ValueError:
            self.error(number, key, value, self.env._("This is not a number."))
            return None
        if positive and result <= 0:
            self.error(number, key, value, self.env._("The quantity must be positive."))
            return None
        if result < 0:
            self.error(number, key, value, self.env._("This value cannot be negative."))
            return None
        return result

    def _date(self, number, cells, key):
        value = self.cell(cells, key)
        if value is None:
            return None
        try:
            return parse_date(value)
        except ValueError:
            self.error(number, key, value, self.env._("This is not a date (dd/mm/yyyy)."))
            return None

    # -------------------------------------------------- one row

    def _check_row(self, number, cells):
        row = {
            key: self.text(cells, key)
            for key in (
                "inventory_code",
                "stock_lot_label",
                "inventory_text",
                "inventory_group_name",
                "inventory_type",
                "inventory_unit",
            )
        }
        for key in (
            "inventory_code",
            "stock_lot_label",
            "inventory_group_name",
            "inventory_type",
            "inventory_unit",
        ):
            if not row[key]:
                self.error(number, key, "", self.env._("This value is required."))
        price = self._number(number, cells, "inventory_unit_price", required=True)
        quantity = self._number(number, cells, "stock_lot_quantity", required=True, positive=True)
        self._number(number, cells, "inventory_cmm")
        rate = self._number(number, cells, "depreciation_rate")
        if rate is not None and rate > 100:
            self.error(
                number,
                "depreciation_rate",
                rate,
                self.env._("The depreciation rate must be between 0 and 100 percent."),
            )
        expiration = self._date(number, cells, "stock_lot_expiration")
        acquisition = self._date(number, cells, "acquisition_date")
        depot = self._row_depot(number, cells)
        product = self._row_product(number, row)
        if not product:
            self._plan_creations(number, cells, row, price, rate)
        code, label = row["inventory_code"], row["stock_lot_label"]
        lot = self.lots.get((product.id, label)) if product else None
        self._check_lot(number, row, product, lot, expiration)
        key = (depot.id if depot else 0, code, label)
        if code and label and key in self.seen:
            self.error(
                number,
                "stock_lot_label",
                label,
                self.env._("Duplicate of row %(row)s.", row=self.seen[key]),
            )
        self.seen.setdefault(key, number)
        return {
            "row": number,
            "depot_id": depot.id if depot else False,
            "code": code,
            "product_id": product.id if product else False,
            "article_code": code,
            "article_name": product.name if product else row["inventory_text"],
            "lot_id": lot.id if lot else False,
            "lot_label": label,
            "expiration": expiration
            or (self.lot_expiration(lot) if lot and lot.expiration_date else False),
            "counted": quantity,
            "difference": quantity,
            "current": 0.0,
            "unit_cost": price or 0.0,
            "serial": self.text(cells, "stock_serial_number"),
            "acquisition": acquisition,
            "movement": "entry",
            "note": False if product else self.env._("New article"),
        }

    def _row_depot(self, number, cells):
        code = self.text(cells, "depot_code")
        depot = self.depots.get(code) if code else self.importer.depot_id
        if not code and not depot:
            self.error(number, "depot_code", "", self.env._("The depot code is missing."))
            return None
        if code and not depot:
            self.error(
                number, "depot_code", code, self.env._("Unknown depot code %(depot)s.", depot=code)
            )
            return None
        if len(depot) > 1:
            self.error(
                number,
                "depot_code",
                code,
                self.env._("Several depots of your companies have the code %(depot)s.", depot=code),
            )
            return None
        if depot.id not in self.depot_errors:
            message = self.depot_error(depot)
            if not message and not depot.sudo().bhima_allow_entry_integration:
                message = self.env._(
                    "The depot %(depot)s does not allow entries from integration.",
                    depot=depot.code,
                )
            self.depot_errors[depot.id] = message
        if self.depot_errors[depot.id]:
            self.error(number, "depot_code", depot.code, self.depot_errors[depot.id])
        return depot

    def _row_product(self, number, row):
        code = row["inventory_code"]
        product = self.products.get(code)
        if product and not product.active:
            self.error(
                number,
                "inventory_code",
                code,
                self.env._("The article %(code)s is archived.", code=code),
            )
        elif product and not product.is_storable:
            self.error(
                number,
                "inventory_code",
                code,
                self.env._("The article %(code)s is not managed in stock.", code=code),
            )
        return product

    def _plan_creations(self, number, cells, row, price, rate):
        """The group, type, unit and article a new article needs."""
        group_key = row["inventory_group_name"].lower()
        for kind, key, value, message in (
            (
                "group",
                "inventory_group_name",
                row["inventory_group_name"],
                self.env._(
                    "Unknown inventory group %(name)s: only a stock manager can create it.",
                    name=row["inventory_group_name"],
                ),
            ),
            (
                "type",
                "inventory_type",
                row["inventory_type"],
                self.env._(
                    "Unknown inventory type %(name)s: only a stock manager can create it.",
                    name=row["inventory_type"],
                ),
            ),
            (
                "unit",
                "inventory_unit",
                row["inventory_unit"],
                self.env._(
                    "Unknown unit %(name)s: only a stock manager can create it.",
                    name=row["inventory_unit"],
                ),
            ),
        ):
            known = {"group": self.groups, "type": self.types, "unit": self.units}[kind]
            if not value or value.lower() in known:
                continue
            if not self.may_create[kind]:
                self.error(number, key, value, message)
            self.to_create[kind].setdefault(
                value.lower(), (value, rate) if kind == "group" else value
            )
        code = row["inventory_code"]
        if not code:
            return
        if not self.may_create["article"]:
            self.error(
                number,
                "inventory_code",
                code,
                self.env._(
                    "Unknown article %(code)s: only a stock manager can create it.", code=code
                ),
            )
            return
        previous = self.to_create["article"].get(code)
        if previous:
            if previous["name"] != row["inventory_text"]:
                self.error(
                    number,
                    "inventory_text",
                    row["inventory_text"],
                    self.env._(
                        "Row %(row)s gives another designation for the article %(code)s.",
                        row=previous["row"],
                        code=code,
                    ),
                )
            return
        self.to_create["article"][code] = {
            "row": number,
            "name": row["inventory_text"],
            "group": group_key,
            "type": row["inventory_type"].lower(),
            "unit": row["inventory_unit"].lower(),
            "price": price or 0.0,
            "consumable": self._boolean(number, cells, "inventory_consumable"),
            "is_asset": self._boolean(number, cells, "inventory_is_asset"),
            "brand": self.text(cells, "inventory_brand"),
            "model": self.text(cells, "inventory_model"),
        }

    def _check_lot(self, number, row, product, lot, expiration):
        label = row["stock_lot_label"]
        group_key = row["inventory_group_name"].lower()
        if expiration:
            self.group_has_expiry[group_key] = True
        if product:
            tracks_expiry = product.categ_id.track_expiration and product.use_expiration_date
        else:
            group = self.groups.get(group_key)
            tracks_expiry = group.track_expiration if group else None
        if lot and expiration and lot.expiration_date and self.lot_expiration(lot) != expiration:
            self.error(
                number,
                "stock_lot_expiration",
                expiration,
                self.env._(
                    "The lot %(lot)s already exists and expires on %(date)s.",
                    lot=label,
                    date=self.lot_expiration(lot),
                ),
            )
        elif not lot and tracks_expiry and not expiration:
            self.error(
                number,
                "stock_lot_expiration",
                "",
                self.env._("The lot %(lot)s is new: give its expiration date.", lot=label),
            )
        if expiration and expiration < self.today and not lot:
            self.error(
                number,
                "stock_lot_expiration",
                expiration,
                self.env._(
                    "The lot %(lot)s is already expired: it cannot enter a depot.", lot=label
                ),
            )

    def _check_new_groups(self):
        """A new group tracks expiration when its rows give expiration dates:
        its other new lots then need one too."""
        for key, (name, rate) in list(self.to_create["group"].items()):
            self.to_create["group"][key] = (name, rate, self.group_has_expiry[key])
        for line in list(self.lines):
            article = self.to_create["article"].get(line["code"])
            if line["product_id"] or line["expiration"] or not article:
                continue
            if (
                article["group"] in self.to_create["group"]
                and self.group_has_expiry[article["group"]]
            ):
                self.error(
                    line["row"],
                    "stock_lot_expiration",
                    "",
                    self.env._(
                        "The lot %(lot)s is new: give its expiration date.", lot=line["lot_label"]
                    ),
                )
                self.lines.remove(line)


class CountFilePlanner(Planner):
    """Counted quantities of a started physical count, from a spreadsheet:
    article code, lot, counted quantity (and the expiration date of a lot found
    that the application does not know)."""

    accepted = {key: ARTICLE_COLUMNS[key] for key in ("code", "lot", "stock", "expiration")}

    def __init__(self, count, header, rows):
        super().__init__(count, header, rows)
        labels = {
            "code": self.env._("Code"),
            "lot": self.env._("Lot"),
            "stock": self.env._("Stock"),
            "expiration": self.env._("Expiration"),
        }
        self.titles = {key: self.titles.get(key, label) for key, label in labels.items()}
        if not {"code", "stock"} <= set(self.columns):
            raise UserError(
                self.env._(
                    "The file needs an article code column and a Stock column (the counted "
                    "quantity). Found: %(found)s.",
                    found="; ".join(header),
                )
            )
        self.count = count

    def plan(self):
        """``(items for set_counted_quantities, errors)``."""
        codes = {self.text(cells, "code") for _number, cells in self.rows} - {""}
        products = self.env["product.product"].search(
            [
                ("default_code", "in", list(codes)),
                ("company_id", "in", [False, self.count.company_id.id]),
            ]
        )
        self.products = defaultdict(list)
        for product in products:
            self.products[product.default_code].append(product)
        names = {self.text(cells, "lot") for _number, cells in self.rows} - {""}
        lots = self.env["stock.lot"].search(
            [("product_id", "in", products.ids), ("name", "in", list(names))]
        )
        self.lots = {(lot.product_id.id, lot.name): lot for lot in lots}
        self.lines_by_product = defaultdict(list)
        for line in self.count.line_ids:
            self.lines_by_product[line.product_id.id].append(line)
        items, seen = [], {}
        for number, cells in self.rows:
            try:
                item, key = self._check_row(number, cells)
            except RowError:
                continue
            if key in seen:
                self.error(
                    number,
                    "code",
                    self.text(cells, "code"),
                    self.env._("Duplicate of row %(row)s.", row=seen[key]),
                )
                continue
            seen[key] = number
            items.append(item)
        self.errors.sort(key=lambda error: error["row"])
        return items, self.errors

    def _check_row(self, number, cells):
        code = self.text(cells, "code")
        if not code:
            self.error(number, "code", "", self.env._("The article code is missing."), stop=True)
        candidates = self.products.get(code) or []
        if len(candidates) != 1:
            message = (
                self.env._("Several articles have the code %(code)s.", code=code)
                if candidates
                else self.env._("Unknown article code %(code)s.", code=code)
            )
            self.error(number, "code", code, message, stop=True)
        product = candidates[0]
        quantity = self.number(
            number,
            cells,
            "stock",
            self.env._("The quantity is not a number."),
            self.env._("The quantity cannot be negative."),
        )
        if quantity is None:
            self.error(
                number, "stock", "", self.env._("The counted quantity is missing."), stop=True
            )
        label = self.text(cells, "lot")
        if not label:
            return self._item_without_lot(number, product, quantity)
        if product.tracking == "none":
            self.error(
                number,
                "lot",
                label,
                self.env._("The article %(code)s is not followed by lot.", code=code),
                stop=True,
            )
        lot = self.lots.get((product.id, label))
        if lot:
            return {"lot_id": lot.id, "quantity": quantity}, (product.id, lot.id)
        expiration = self.cell(cells, "expiration")
        if expiration is not None:
            try:
                expiration = parse_date(expiration)
            except ValueError:
                self.error(
                    number,
                    "expiration",
                    expiration,
                    self.env._("The expiration date is not a date (dd/mm/yyyy)."),
                    stop=True,
                )
        if product.categ_id.track_expiration and product.use_expiration_date and not expiration:
            self.error(
                number,
                "expiration",
                "",
                self.env._("The lot %(lot)s is new: give its expiration date.", lot=label),
                stop=True,
            )
        item = {
            "product_id": product.id,
            "lot_name": label,
            "quantity": quantity,
            "expiration_date": fields.Date.to_string(expiration) if expiration else False,
        }
        return item, (product.id, label)

    def _item_without_lot(self, number, product, quantity):
        lines = self.lines_by_product.get(product.id, [])
        if product.tracking == "none":
            return {"product_id": product.id, "quantity": quantity}, (product.id, None)
        if len(lines) != 1:
            self.error(
                number,
                "lot",
                "",
                self.env._(
                    "%(code)s has several lots or none in this count: give the lot.",
                    code=product.default_code,
                ),
                stop=True,
            )
        return {"line_id": lines[0].id, "quantity": quantity}, (product.id, lines[0].lot_id.id)
