import base64
import io
from datetime import timedelta

from odoo import fields
from odoo.exceptions import UserError
from odoo.tests import tagged

from .common import BhimaMovementCommon


def csv_bytes(rows, delimiter=";", encoding="latin-1", bom=False):
    text = "\r\n".join(delimiter.join(str(cell) for cell in row) for row in rows) + "\r\n"
    data = text.encode(encoding)
    return (b"\xef\xbb\xbf" + data) if bom else data


def xlsx_bytes(rows):
    import openpyxl

    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


class BhimaImportCommon(BhimaMovementCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.expiry = fields.Date.today() + timedelta(days=400)
        cls.lot_a = cls._purchase(cls.depot_a, "IMP-A", 10, 4.0).line_ids.lot_id
        cls.lot_b = cls._purchase(
            cls.depot_a, "IMP-B", 6, 5.0, expiration=fields.Date.today() + timedelta(days=60)
        ).line_ids.lot_id
        cls.article_2 = cls._create_article("Test Quinine 300 mg", default_code="TQUI")
        cls.product_2 = cls.article_2.product_variant_id
        cls.lot_q = cls._purchase(
            cls.depot_b, "IMP-Q", 30, 2.0, product=cls.product_2
        ).line_ids.lot_id
        cls.plain = cls.env["product.product"].create(
            {
                "name": "Plain gauze",
                "default_code": "PLAIN1",
                "is_storable": True,
                "standard_price": 1.5,
            }
        )
        cls._movement(
            13, cls.depot_a, [{"product_id": cls.plain.id, "quantity": 40, "unit_cost": 1.5}]
        )

    def _import(self, data, filename="stock.csv", env=None, **values):
        env = env or self.env
        record = env["bhima.stock.import"].create(
            {"file": base64.b64encode(data), "filename": filename, **values}
        )
        record.action_preview()
        return record

    def _stock_of(self, depot, product=None, lot=None):
        return self._stock(depot, product=product, lot=lot)


@tagged("post_install", "-at_install")
class TestArticleFileImport(BhimaImportCommon):
    def test_french_latin1_csv_updates_the_stock(self):
        date = self.expiry.strftime("%d/%m/%Y")
        data = csv_bytes(
            [
                ["Code", "Désignation", "Code dépôt", "Stock", "Lot", "Date d'expiration"],
                ["TAMX", "Test Amoxicilline 500 mg", "TPC", "12", "IMP-A", ""],
                ["TAMX", "Test Amoxicilline 500 mg", "TPC", "2,0", "IMP-B", ""],
                ["TAMX", "Test Amoxicilline 500 mg", "TPC", "7", "IMP-NEW", date],
                ["TQUI", "", "TWD", "30", "IMP-Q", ""],
                ["PLAIN1", "", "TPC", "35,5", "", ""],
            ],
            encoding="latin-1",
        )
        record = self._import(data, "articles.csv")
        self.assertEqual(record.state, "ready", record.error_ids.mapped("message"))
        self.assertEqual(record.row_count, 5)
        self.assertEqual(record.entry_count, 2)  # IMP-A +2, IMP-NEW +7
        self.assertEqual(record.exit_count, 2)  # IMP-B -4, PLAIN1 -4.5
        self.assertEqual(record.unchanged_count, 1)  # IMP-Q
        preview = {
            line.lot_name or line.article_code: line
            for line in record.preview_line_ids
            if line.movement != "none"
        }
        self.assertEqual(
            (
                preview["IMP-B"].current_qty,
                preview["IMP-B"].file_qty,
                preview["IMP-B"].difference_qty,
            ),
            (6, 2, -4),
        )
        self.assertEqual(preview["PLAIN1"].difference_qty, -4.5)
        # the designation differs: an article update
        self.assertEqual(record.article_update_count, 1)
        record.action_apply()
        self.assertEqual(record.state, "done")
        self.assertEqual(self._stock(self.depot_a, lot=self.lot_a), 12)
        self.assertEqual(self._stock(self.depot_a, lot=self.lot_b), 2)
        self.assertEqual(self._stock(self.depot_a, product=self.plain), 35.5)
        new_lot = self.env["stock.lot"].search([("name", "=", "IMP-NEW")])
        self.assertEqual(new_lot.expiration_date.date(), self.expiry)
        self.assertEqual(self._stock(self.depot_a, lot=new_lot), 7)
        self.assertEqual(self.article.name, "Test Amoxicilline 500 mg")
        # one count document per depot (only the depot with differences), flux 15
        self.assertEqual(record.count_ids.depot_id, self.depot_a)
        self.assertEqual(set(record.movement_ids.mapped("flux_id.code")), {15})
        self.assertEqual(record.count_ids.state, "done")
        self.assertEqual(len(record.count_ids.line_ids), 4)
        # the history keeps the file
        attachment = self.env["ir.attachment"].search(
            [
                ("res_model", "=", "bhima.stock.import"),
                ("res_id", "=", record.id),
                ("res_field", "=", "file"),
            ]
        )
        self.assertEqual(base64.b64decode(attachment.datas), data)

    def test_utf8_bom_csv_with_commas_and_rows_without_lot(self):
        data = csv_bytes(
            [
                ["code", "depot", "quantity"],
                ["TAMX", "TPC", "9"],  # 16 in stock: 7 leave, first expiry first out
                ["TQUI", "TWD", "35"],  # 30 in stock: 5 enter into the lot expiring last
            ],
            delimiter=",",
            encoding="utf-8",
            bom=True,
        )
        record = self._import(data)
        self.assertEqual(record.state, "ready", record.error_ids.mapped("message"))
        record.action_apply()
        # IMP-B expires first: its 6 leave, then 1 of IMP-A
        self.assertEqual(self._stock(self.depot_a, lot=self.lot_b), 0)
        self.assertEqual(self._stock(self.depot_a, lot=self.lot_a), 9)
        self.assertEqual(self._stock(self.depot_b, product=self.product_2, lot=self.lot_q), 35)

    def test_xlsx_with_a_default_depot(self):
        data = xlsx_bytes(
            [
                ["Code", "Stock", "Lot", "Expiration", "Prix de vente", "Groupe"],
                ["TAMX", 11, "IMP-A", None, 2.5, None],
                ["TAMX", 4, "IMP-X", self.expiry, None, None],
                ["PLAIN1", 40, None, None, None, "TMED"],
            ]
        )
        record = self._import(data, "stock.xlsx", depot_id=self.depot_a.id)
        self.assertEqual(record.state, "ready", record.error_ids.mapped("message"))
        record.action_apply()
        self.assertEqual(self._stock(self.depot_a, lot=self.lot_a), 11)
        self.assertEqual(self.article.list_price, 2.5)
        self.assertEqual(self.plain.categ_id, self.group_medicines)
        lot_x = self.env["stock.lot"].search([("name", "=", "IMP-X")])
        self.assertEqual(self._stock(self.depot_a, lot=lot_x), 4)

    def test_reimporting_the_same_file_moves_nothing(self):
        data = csv_bytes(
            [
                ["Code", "Depot", "Stock", "Lot"],
                ["TAMX", "TPC", "3", "IMP-A"],
                ["TAMX", "TPC", "0", "IMP-B"],
                ["PLAIN1", "TPC", "41", ""],
            ]
        )
        first = self._import(data)
        first.action_apply()
        self.assertEqual(len(first.movement_ids), 2)
        movements = self.env["bhima.stock.movement"].search_count([])
        second = self._import(data)
        self.assertEqual(second.state, "ready")
        self.assertEqual((second.entry_count, second.exit_count, second.unchanged_count), (0, 0, 3))
        second.action_apply()
        self.assertFalse(second.movement_ids)
        self.assertFalse(second.count_ids)
        self.assertEqual(self.env["bhima.stock.movement"].search_count([]), movements)
        self.assertEqual(self._stock(self.depot_a, lot=self.lot_a), 3)

    def test_every_error_is_reported_and_nothing_is_applied(self):
        self.article_2.copy({"default_code": "TOLD", "active": False})
        rows = [["Code", "Depot", "Stock", "Lot", "Expiration", "Sale price"]]
        expected = []
        for i in range(40):  # 40 rows of unknown articles
            rows.append([f"NOPE{i}", "TPC", "1", "", "", ""])
            expected.append((i + 2, "Code"))
        start = len(rows) + 1
        rows += [
            ["TAMX", "XXX", "1", "IMP-A", "", ""],  # unknown depot
            ["TAMX", "TPC", "douze", "IMP-A", "", ""],  # text in a number column
            ["TAMX", "TPC", "-3", "IMP-B", "", ""],  # negative
            ["TAMX", "TPC", "5", "IMP-NEW", "", ""],  # new lot without expiration
            ["PLAIN1", "TPC", "5", "", "", "cher"],  # sale price not a number
            ["PLAIN1", "TPC", "6", "", "", ""],  # duplicate
            ["TOLD", "TPC", "1", "", "", ""],  # archived article
            ["", "TPC", "1", "", "", ""],  # missing code
            ["TAMX", "TPC", "5", "IMP-A", "32/13/2026", ""],  # not a date
        ]
        expected += [
            (start, "Depot"),
            (start + 1, "Stock"),
            (start + 2, "Stock"),
            (start + 3, "Expiration"),
            (start + 4, "Sale price"),
            (start + 5, "Code"),
            (start + 6, "Code"),
            (start + 7, "Code"),
            (start + 8, "Expiration"),
        ]
        record = self._import(csv_bytes(rows))
        self.assertEqual(record.state, "error")
        found = [(error.row, error.column) for error in record.error_ids]
        self.assertEqual(sorted(found), sorted(expected))
        messages = dict(((e.row, e.column), e.message) for e in record.error_ids)
        self.assertIn("Unknown article code NOPE0", messages[(2, "Code")])
        self.assertIn("not a number", messages[(start + 1, "Stock")])
        self.assertIn("Duplicate of row", messages[(start + 5, "Code")])
        self.assertIn("give its expiration date", messages[(start + 3, "Expiration")])
        with self.assertRaisesRegex(UserError, r"49 errors; nothing was imported"):
            record.action_apply()
        self.assertEqual(self._stock(self.depot_a, lot=self.lot_a), 10)
        self.assertFalse(record.movement_ids)

    def test_depot_the_user_does_not_manage(self):
        data = csv_bytes(
            [
                ["Code", "Depot", "Stock", "Lot"],
                ["TQUI", "TWD", "1", "IMP-Q"],
                ["TAMX", "TPC", "9", "IMP-A"],
            ]
        )
        record = self._import(data, env=self.env(user=self.pharmacist))
        self.assertEqual(record.state, "error")
        self.assertEqual([(e.row, e.column) for e in record.error_ids], [(2, "Depot")])
        self.assertIn("You do not manage the depot TWD", record.error_ids.message)
        # a depot user may not change articles either
        data = csv_bytes([["Code", "Designation"], ["TAMX", "Renamed"]])
        record = self._import(data, env=self.env(user=self.pharmacist))
        self.assertIn("You may not change articles", record.error_ids.message)

    def test_bad_files_are_refused_with_a_clear_error(self):
        Import = self.env["bhima.stock.import"]
        imports = Import.search_count([])
        cases = [
            (b"", "stock.csv", "The file is empty"),
            (b"Code;Depot;Stock\r\n", "stock.csv", "header but no data row"),
            (b"PK\x03\x04garbage-not-a-zip", "stock.xlsx", "looks corrupt"),
            (b"\x00\x01\x02\x03" * 50, "stock.csv", "looks corrupt"),
            (b"\xd0\xcf\x11\xe0rest", "stock.xls", r"\.xls\) are not supported"),
            (csv_bytes([["Name", "Qty"], ["x", "1"]]), "stock.csv", "no article code column"),
            (csv_bytes([["Code", "Foo"], ["x", "1"]]), "stock.csv", "no Stock column"),
            (csv_bytes([["Code", "Stock"], ["TAMX", "1"]]), "stock.csv", "no depot code column"),
            (
                csv_bytes([["Code", "Depot", "Stock"]] + [["TAMX", "TPC", "1"]] * 100000),
                "stock.csv",
                "more than 50000 rows",
            ),
        ]
        for data, filename, message in cases:
            with self.subTest(message=message):
                with self.assertRaisesRegex(UserError, message):
                    Import.import_file(base64.b64encode(data).decode(), filename, dry_run=False)
                with self.assertRaisesRegex(UserError, message):
                    Import.import_file(base64.b64encode(data).decode(), filename, dry_run=True)
        with self.assertRaisesRegex(UserError, "not valid base64"):
            Import.import_file("!!!not base64!!!", "stock.csv")
        self.assertEqual(Import.search_count([]), imports)
        self.assertEqual(self._stock(self.depot_a, lot=self.lot_a), 10)

    def test_dry_run_returns_the_preview_and_writes_nothing(self):
        Import = self.env["bhima.stock.import"]
        data = csv_bytes(
            [
                ["Code", "Depot", "Stock", "Lot"],
                ["TAMX", "TPC", "8", "IMP-A"],
                ["NOPE", "TPC", "1", ""],
            ]
        )
        imports = Import.search_count([])
        preview = Import.import_file(base64.b64encode(data).decode(), "stock.csv")
        self.assertEqual(preview["rows"], 2)
        self.assertEqual(
            preview["errors"],
            [
                {
                    "row": 3,
                    "column": "Code",
                    "value": "NOPE",
                    "message": "Unknown article code NOPE.",
                }
            ],
        )
        self.assertEqual(
            [
                (
                    line["article"],
                    line["lot"],
                    line["current"],
                    line["file"],
                    line["difference"],
                    line["movement"],
                )
                for line in preview["lines"]
            ],
            [("TAMX", "IMP-A", 10, 8, -2, "exit")],
        )
        self.assertEqual(Import.search_count([]), imports)
        with self.assertRaisesRegex(UserError, "1 errors"):
            Import.import_file(base64.b64encode(data).decode(), "stock.csv", dry_run=False)
        self.assertEqual(Import.search_count([]), imports)
        data = csv_bytes([["Code", "Depot", "Stock", "Lot"], ["TAMX", "TPC", "8", "IMP-A"]])
        result = Import.import_file(base64.b64encode(data).decode(), "stock.csv", dry_run=False)
        self.assertEqual(result["exits"], 1)
        self.assertEqual(len(result["counts"]), 1)
        self.assertEqual(self._stock(self.depot_a, lot=self.lot_a), 8)

    def test_templates_and_stock_export(self):
        Import = self.env["bhima.stock.import"]
        for import_type in ("article", "bhima"):
            for file_format in ("csv", "xlsx"):
                template = Import.get_template(import_type, file_format)
                self.assertTrue(template["filename"].endswith(file_format))
                self.assertTrue(base64.b64decode(template["content"]))
        # the current stock, filled in: importing it unchanged moves nothing
        export = Import.get_template("article", "xlsx", depot_ids=self.depot_a.ids, with_stock=True)
        record = self._import(base64.b64decode(export["content"]), export["filename"])
        self.assertEqual(record.state, "ready", record.error_ids.mapped("message"))
        self.assertEqual((record.entry_count, record.exit_count, record.unchanged_count), (0, 0, 3))
        csv_template = base64.b64decode(Import.get_template("article", "csv")["content"])
        self.assertTrue(csv_template.startswith(b"\xef\xbb\xbfCode;Designation;Depot;Stock"))

    def test_progress_is_reported_on_large_files(self):
        rows = (
            [["Code", "Depot", "Stock", "Lot"]]
            + [["TAMX", "TPC", "10", "IMP-A"]]
            + [["PLAIN1", "TPC", "40", ""]] * 2500
        )
        record = self.env["bhima.stock.import"].create(
            {"file": base64.b64encode(csv_bytes(rows)), "filename": "big.csv"}
        )
        record.action_preview()  # duplicates: errors, but the progress was reported
        self.env.cr.precommit.run()  # what a commit does: the bus notifications are written
        notifications = (
            self.env["bus.bus"].sudo().search([("message", "like", "bhima_stock_import_progress")])
        )
        self.assertTrue(notifications)
        self.assertEqual(record.error_count, 2499)


@tagged("post_install", "-at_install")
class TestBhimaStockImport(BhimaImportCommon):
    HEADER = [
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
    ]

    def _row(self, **values):
        row = dict.fromkeys(self.HEADER, "")
        row.update(values)
        return [row[key] for key in self.HEADER]

    def test_opening_stock_creates_what_is_missing(self):
        expiry = self.expiry.strftime("%d/%m/%Y")
        rows = [
            self.HEADER,
            self._row(
                inventory_group_name="Antipaludiques",
                inventory_code="NEW-ART",
                inventory_text="Artésunate 60 mg",
                inventory_type="Article",
                inventory_unit="Flacon-test",
                inventory_unit_price="2,5",
                inventory_consumable="1",
                stock_lot_label="ART-1",
                stock_lot_quantity="100",
                stock_lot_expiration=expiry,
            ),
            self._row(
                inventory_group_name="Antipaludiques",
                inventory_code="NEW-ART",
                inventory_text="Artésunate 60 mg",
                inventory_type="Article",
                inventory_unit="Flacon-test",
                inventory_unit_price="2,5",
                stock_lot_label="ART-2",
                stock_lot_quantity="50",
                stock_lot_expiration=expiry,
            ),
            self._row(
                inventory_group_name="Equipment-test",
                inventory_code="EQ-1",
                inventory_text="Oxygen concentrator",
                inventory_type="Asset-test",
                inventory_unit="Piece-test",
                inventory_unit_price="1200",
                inventory_is_asset="1",
                stock_lot_label="SN-001",
                stock_lot_quantity="1",
                stock_serial_number="X99",
                acquisition_date="01/01/2024",
                depreciation_rate="20",
            ),
            # an existing article, an existing lot: reused
            self._row(
                inventory_group_name="Test medicines",
                inventory_code="TAMX",
                inventory_text="Test Amoxicillin 500 mg",
                inventory_type="Article",
                inventory_unit="Tablet",
                inventory_unit_price="4",
                stock_lot_label="IMP-A",
                stock_lot_quantity="5",
            ),
        ]
        record = self._import(
            csv_bytes(rows, encoding="utf-8"),
            "bhima.csv",
            import_type="bhima",
            depot_id=self.depot_b.id,
        )
        self.assertEqual(record.state, "ready", record.error_ids.mapped("message"))
        self.assertEqual(record.created_count, 7)  # 2 groups, 1 type, 2 units, 2 articles
        record.action_apply()
        movement = record.movement_ids
        self.assertEqual(movement.flux_id.code, 13)
        self.assertEqual(movement.depot_id, self.depot_b)
        article = self.env["product.product"].search([("default_code", "=", "NEW-ART")])
        self.assertEqual(article.categ_id.name, "Antipaludiques")
        self.assertTrue(article.categ_id.track_expiration)
        self.assertEqual(article.uom_id.name, "Flacon-test")
        self.assertTrue(article.bhima_consumable)
        self.assertEqual(self._stock(self.depot_b, product=article), 150)
        self.assertAlmostEqual(article.standard_price, 2.5)
        asset = self.env["product.product"].search([("default_code", "=", "EQ-1")])
        self.assertFalse(asset.categ_id.track_expiration)
        self.assertEqual(asset.categ_id.depreciation_rate, 20)
        self.assertEqual(asset.bhima_type_id.name, "Asset-test")
        lot = self.env["stock.lot"].search([("name", "=", "SN-001")])
        self.assertEqual(lot.ref, "X99")
        self.assertEqual(str(lot.bhima_acquisition_date), "2024-01-01")
        self.assertEqual(self._stock(self.depot_b, lot=self.lot_a), 5)
        # the same file again would enter the stock twice: refused
        again = self._import(
            csv_bytes(rows, encoding="utf-8"),
            "bhima.csv",
            import_type="bhima",
            depot_id=self.depot_b.id,
        )
        self.assertEqual(again.state, "error")
        self.assertIn("already imported", again.error_ids[0].message)

    def test_errors_of_the_bhima_template(self):
        with self.assertRaisesRegex(UserError, "not BHIMA's stock import template"):
            self._import(
                csv_bytes([["Code", "Stock"], ["x", "1"]]),
                import_type="bhima",
                depot_id=self.depot_a.id,
            )
        rows = [
            self.HEADER,
            self._row(
                inventory_code="E1",
                inventory_text="x",
                inventory_type="Article",
                inventory_unit="Tablet",
                inventory_unit_price="1",
                stock_lot_label="L1",
                stock_lot_quantity="0",
                inventory_group_name="Test medicines",
            ),
            self._row(
                inventory_code="E2",
                inventory_text="x",
                inventory_type="Article",
                inventory_unit="Tablet",
                inventory_unit_price="abc",
                stock_lot_label="L1",
                stock_lot_quantity="3",
                inventory_group_name="Test medicines",
                stock_lot_expiration="01/01/2020",
            ),
        ]
        record = self._import(csv_bytes(rows), import_type="bhima", depot_id=self.depot_a.id)
        found = {(error.row, error.column) for error in record.error_ids}
        self.assertEqual(
            found,
            {
                (2, "stock_lot_quantity"),
                (2, "stock_lot_expiration"),
                (3, "inventory_unit_price"),
                (3, "stock_lot_expiration"),
            },
        )
        # a depot user cannot create articles
        rows = [
            self.HEADER,
            self._row(
                inventory_code="E3",
                inventory_text="x",
                inventory_type="Article",
                inventory_unit="Tablet",
                inventory_unit_price="1",
                stock_lot_label="L1",
                stock_lot_quantity="2",
                inventory_group_name="Test medicines",
                stock_lot_expiration=self.expiry.isoformat(),
            ),
        ]
        record = self._import(
            csv_bytes(rows),
            import_type="bhima",
            depot_id=self.depot_a.id,
            env=self.env(user=self.pharmacist),
        )
        self.assertIn("only a stock manager can create it", record.error_ids.message)
