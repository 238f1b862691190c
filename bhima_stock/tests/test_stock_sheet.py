import io
import zipfile
from datetime import timedelta

from odoo.exceptions import UserError
from odoo.tests import tagged

from .common_registers import NOW, TODAY, BhimaRegisterCommon


@tagged("post_install", "-at_install")
class TestStockSheet(BhimaRegisterCommon):
    """The stock sheet (fiche de stock) and the stock value at a date, with
    Odoo's average cost: 10 at 2, then 10 at 4 (average 3), 5 to a patient,
    5 sent to the ward (a transfer, not valued by Odoo: at the average)."""

    def setUp(self):
        super().setUp()
        self.item = self._new_article("Test Ceftriaxone 1 g", "TCEF")
        self._entry(10, NOW - timedelta(days=40), lot_name="CF1", unit_cost=2.0, product=self.item)
        self._entry(10, NOW - timedelta(days=20), lot_name="CF2", unit_cost=4.0, product=self.item)
        self._exit(9, 5, NOW - timedelta(days=10), product=self.item)
        self.transfer = self._exit(
            8, 5, NOW - timedelta(days=5), product=self.item, dest_depot_id=self.depot_b.id
        )
        with self._frozen(NOW - timedelta(days=4)):
            self.transfer.with_user(self.nurse).action_receive()

    def _sheet(self, **values):
        return self.env["bhima.stock.sheet"].get_stock_sheet(self.item.id, **values)

    def test_sheet_of_a_depot_over_a_period(self):
        data = self._sheet(
            depot_id=self.depot_a.id,
            date_from=str(TODAY - timedelta(days=30)),
            date_to=str(TODAY),
        )
        self.assertEqual(data["opening"], {"quantity": 10.0, "unit_cost": 2.0, "value": 20.0})
        rows = [
            (
                row["quantity_in"],
                row["quantity_out"],
                row["balance"],
                row["unit_cost"],
                row["value"],
            )
            for row in data["rows"]
        ]
        self.assertEqual(
            rows,
            [(10, 0, 20, 4.0, 40.0), (0, 5, 15, 3.0, 15.0), (0, 5, 10, 3.0, 15.0)],
        )
        self.assertEqual(data["rows"][2]["flux"], self.env.ref("bhima_stock.flux_8").display_name)
        self.assertEqual(data["rows"][2]["counterpart"], self.depot_b.name)
        self.assertEqual(data["rows"][1]["counterpart"], self.patient.name)
        self.assertEqual(data["rows"][0]["balance_value"], 60.0)
        self.assertEqual(data["closing"], {"quantity": 10.0, "unit_cost": 3.0, "value": 30.0})
        self.assertEqual(
            data["totals"],
            {"in_quantity": 10.0, "in_value": 40.0, "out_quantity": 10.0, "out_value": 30.0},
        )

    def test_sheet_of_all_depots_and_of_a_lot(self):
        data = self._sheet()
        self.assertEqual(data["opening"]["quantity"], 0)
        self.assertEqual(len(data["rows"]), 5, "the transfer leaves one depot and enters the other")
        self.assertEqual(data["closing"]["quantity"], 15)
        lot = self.env["stock.lot"].search(
            [("name", "=", "CF1"), ("product_id", "=", self.item.id)]
        )
        data = self._sheet(lot_id=lot.id, depot_id=self.depot_a.id)
        self.assertEqual([row["lot"] for row in data["rows"]], ["CF1"] * len(data["rows"]))
        self.assertEqual(
            data["closing"]["quantity"], 0, "lot CF1 left first (first expiry first out)"
        )

    def test_screen_pdf_and_spreadsheet(self):
        action = self.env["bhima.stock.sheet"]._bhima_open(
            product=self.item, depot=self.depot_a, date_from=TODAY - timedelta(days=30)
        )
        sheet = self.env["bhima.stock.sheet"].browse(action["res_id"])
        self.assertEqual(len(sheet.line_ids), 3)
        self.assertEqual((sheet.opening_quantity, sheet.closing_quantity), (10, 10))
        self.assertEqual((sheet.total_in_value, sheet.total_out_value), (40, 30))
        html = (
            self.env["ir.actions.report"]
            ._render_qweb_html("bhima_stock.report_bhima_stock_sheet", sheet.ids)[0]
            .decode()
        )
        self.assertIn("Test Ceftriaxone 1 g", html)
        self.assertIn("Opening balance", html)
        self.assertIn(self.transfer.name, html)
        download = sheet.action_export_xlsx()
        attachment = self.env["ir.attachment"].browse(
            int(download["url"].split("/")[3].split("?")[0])
        )
        with zipfile.ZipFile(io.BytesIO(attachment.raw)) as xlsx:
            strings = xlsx.read("xl/sharedStrings.xml").decode()
        self.assertIn("Opening balance", strings)
        self.assertIn(self.transfer.name, strings)

    def test_opened_from_the_registers(self):
        row = self._register(product=self.item)
        action = row.action_open_stock_sheet()
        sheet = self.env["bhima.stock.sheet"].browse(action["res_id"])
        self.assertEqual((sheet.product_id, sheet.depot_id), (self.item, self.depot_a))
        lot_row = self._lots(product=self.item)
        action = lot_row.action_open_stock_sheet()
        sheet = self.env["bhima.stock.sheet"].browse(action["res_id"])
        self.assertEqual(sheet.lot_id, lot_row.lot_id)
        action = self.item.product_tmpl_id.action_bhima_stock_sheet()
        self.assertEqual(
            self.env["bhima.stock.sheet"].browse(action["res_id"]).product_id, self.item
        )

    def test_bad_input(self):
        with self.assertRaisesRegex(UserError, "ends .* before it starts"):
            self._sheet(date_from=str(TODAY), date_to=str(TODAY - timedelta(days=1)))
        with self.assertRaisesRegex(UserError, "in the future"):
            self._sheet(date_to=str(TODAY + timedelta(days=2)))
        with self.assertRaisesRegex(UserError, "is not a date"):
            self._sheet(date_to="yesterday")
        with self.assertRaisesRegex(UserError, "is not a lot of"):
            self._sheet(lot_id=self.lot_of_another_article().id)
        with self.assertRaisesRegex(UserError, "Unknown depot"):
            self._sheet(depot_id=987654)

    def lot_of_another_article(self):
        return self._lot("OTHER-LOT")

    def test_stock_value_at_a_date_is_historic(self):
        Value = self.env["bhima.stock.value.report"]
        domain = [("product_id", "=", self.item.id)]
        past = Value.with_context(
            bhima_depot_ids=self.depot_a.ids, bhima_date=str(TODAY - timedelta(days=30))
        ).search(domain)
        self.assertEqual((past.quantity, past.unit_cost, past.value), (10, 2, 20))
        self.env.invalidate_all()  # the same row id at another date
        now = Value.with_context(bhima_depot_ids=self.depot_a.ids).search(domain)
        self.assertEqual((now.quantity, now.unit_cost, now.value), (10, 3, 30))
        groups = Value.with_context(bhima_date=str(TODAY))._read_group(
            domain, ["depot_id", "categ_id"], ["value:sum", "quantity:sum"]
        )
        self.assertEqual(
            {(depot, value, quantity) for depot, _categ, value, quantity in groups},
            {(self.depot_a, 30, 10), (self.depot_b, 15, 5)},
        )
