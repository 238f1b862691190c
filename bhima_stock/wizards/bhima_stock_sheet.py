import base64
import io
from datetime import datetime, timedelta

import xlsxwriter

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL, format_date


class BhimaStockSheet(models.TransientModel):
    """BHIMA's stock sheet (fiche de stock) of an article, optionally of one lot,
    in a depot or in all depots over a period: the opening balance with its
    historic unit cost and value, one row per movement (date, reference, flux,
    counterpart, in, out, running balance, unit cost, value), the closing
    balance and the totals. On screen, as a PDF and as a spreadsheet; the data
    is ``get_stock_sheet`` (also for RPC clients).

    Costs are Odoo's valuation (``stock.move.value``): a valued entry or exit
    moves at its own value; a transfer between depots (not valued by Odoo) at
    the company's unit cost of that moment, the company's stock value divided
    by its quantity just before the movement. The balance is valued at that
    unit cost."""

    _name = "bhima.stock.sheet"
    _description = "BHIMA Stock Sheet"

    product_id = fields.Many2one(
        "product.product", string="Article", required=True, domain="[('is_storable', '=', True)]"
    )
    lot_id = fields.Many2one("stock.lot", string="Lot", domain="[('product_id', '=', product_id)]")
    depot_id = fields.Many2one(
        "stock.warehouse", string="Depot", help="Leave empty for all the depots you may see."
    )
    date_from = fields.Date(string="From", help="Leave empty to start from the first movement.")
    date_to = fields.Date(string="To", required=True, default=fields.Date.context_today)
    company_id = fields.Many2one("res.company", default=lambda self: self.env.company)
    currency_id = fields.Many2one(related="company_id.currency_id")
    uom_id = fields.Many2one(related="product_id.uom_id", string="Unit")
    line_ids = fields.One2many("bhima.stock.sheet.line", "sheet_id", string="Movements")
    opening_quantity = fields.Float(digits="Product Unit", readonly=True)
    opening_unit_cost = fields.Float(digits="Product Price", readonly=True)
    opening_value = fields.Monetary(readonly=True)
    closing_quantity = fields.Float(digits="Product Unit", readonly=True)
    closing_unit_cost = fields.Float(digits="Product Price", readonly=True)
    closing_value = fields.Monetary(readonly=True)
    total_in_quantity = fields.Float(string="Total In", digits="Product Unit", readonly=True)
    total_in_value = fields.Monetary(string="Value In", readonly=True)
    total_out_quantity = fields.Float(string="Total Out", digits="Product Unit", readonly=True)
    total_out_value = fields.Monetary(string="Value Out", readonly=True)
    computed = fields.Boolean(readonly=True)

    @api.onchange("product_id")
    def _onchange_product_id(self):
        if self.lot_id and self.lot_id.product_id != self.product_id:
            self.lot_id = False

    # ------------------------------------------------------------------
    # Data (RPC)
    # ------------------------------------------------------------------

    @api.model
    def get_stock_sheet(self, product_id, depot_id=None, lot_id=None, date_from=None, date_to=None):
        """The stock sheet of an article as a dict: ``opening``, ``rows``,
        ``closing`` and ``totals``; quantities in the article's unit, values in
        the company's currency. ``depot_id`` empty: all the depots the user may
        see. Dates are ISO strings (``date_to`` defaults to today)."""
        ledger = self.env["bhima.stock.ledger"]
        product = self.env["product.product"].browse(int(product_id)).exists()
        if not product:
            raise UserError(self.env._("Unknown article: %(article)s.", article=product_id))
        product.check_access("read")
        lot = self.env["stock.lot"]
        if lot_id:
            lot = lot.browse(int(lot_id)).exists()
            if not lot or lot.product_id != product:
                raise UserError(
                    self.env._(
                        "The lot %(lot)s is not a lot of %(article)s.",
                        lot=lot_id,
                        article=product.display_name,
                    )
                )
        depots = ledger._bhima_depots([depot_id] if depot_id else None)
        date_from, date_to = ledger._bhima_check_period(date_from, date_to)
        data = self._bhima_sheet_data(product, depots, lot, date_from, date_to)
        for row in data["rows"]:
            row["date"] = fields.Datetime.to_string(row["date"])
        for key in ("date_from", "date_to"):
            data[key] = fields.Date.to_string(data[key]) if data[key] else False
        return data

    def _bhima_sheet_data(self, product, depots, lot, date_from, date_to):
        ledger = self.env["bhima.stock.ledger"]
        ledger._bhima_flush()
        end = ledger._bhima_day_start(date_to + timedelta(days=1))
        start = ledger._bhima_day_start(date_from) if date_from else None
        lines = ledger._bhima_lines_sql(
            depots,
            since=datetime(1970, 1, 1),
            until=end,
            product_ids=product.ids,
            lot_ids=lot.ids if lot else None,
        )
        rows = self.env.execute_query_dict(
            SQL(
                """
                WITH bhima_depot_loc AS MATERIALIZED (%(depot_loc)s),
                lines AS (%(lines)s)
                SELECT l.line_id, l.move_id, l.depot_id, l.lot_id, l.date, l.quantity,
                       COALESCE(movement.name, m.reference, m.origin) AS reference,
                       movement.id AS movement_id, m.picking_id, l.flux_id,
                       COALESCE(movement.partner_id, m.partner_id) AS partner_id,
                       movement.service_id,
                       COALESCE(movement.dest_depot_id, origin.depot_id) AS dest_depot_id,
                       l.other_location_id,
                       m.is_in OR m.is_out AS valued, m.value AS move_value,
                       m.quantity * move_uom.factor / NULLIF(product_uom.factor, 0) AS move_quantity
                  FROM lines l
                  JOIN stock_move m ON m.id = l.move_id
                  JOIN uom_uom move_uom ON move_uom.id = m.product_uom
                  JOIN product_product pp ON pp.id = m.product_id
                  JOIN product_template pt ON pt.id = pp.product_tmpl_id
                  JOIN uom_uom product_uom ON product_uom.id = pt.uom_id
             LEFT JOIN bhima_stock_movement movement ON movement.id = m.bhima_movement_id
             LEFT JOIN bhima_stock_movement origin ON origin.id = movement.transfer_origin_id
              ORDER BY l.date, l.move_id, l.line_id, l.depot_id
                """,
                depot_loc=ledger._bhima_depot_locations_sql(depots),
                lines=lines,
            )
        )
        companies = depots.company_id or self.env.company
        valued = self.env.execute_query(
            SQL(
                "SELECT v.move_id, v.date, v.value, v.quantity FROM (%s) v ORDER BY v.date, v.move_id",
                ledger._bhima_valued_moves_sql(companies, end, product.ids),
            )
        )
        fallback_cost = product.standard_price
        state = {"value": 0.0, "quantity": 0.0, "cost": None, "next": 0}

        def cost_now():
            if state["quantity"] > 0:
                return state["value"] / state["quantity"]
            return state["cost"] if state["cost"] is not None else fallback_cost

        def advance(until_key):
            """Add the valued moves before ``until_key`` (date, move id)."""
            while (
                state["next"] < len(valued)
                and (
                    valued[state["next"]][1],
                    valued[state["next"]][0],
                )
                < until_key
            ):
                _move_id, _date, value, quantity = valued[state["next"]]
                state["value"] += float(value or 0.0)
                state["quantity"] += float(quantity or 0.0)
                if quantity and quantity > 0:
                    state["cost"] = float(value) / float(quantity)
                state["next"] += 1

        flux_names = {
            flux.id: flux.display_name for flux in self.env["bhima.stock.flux"].search([])
        }
        lots = {
            lot.id: lot.name
            for lot in self.env["stock.lot"].browse({r["lot_id"] for r in rows if r["lot_id"]})
        }
        depot_names = {depot.id: depot.display_name for depot in depots}
        counterparts = self._bhima_counterparts(rows)
        balance = 0.0
        opening_done = start is None
        opening = {"quantity": 0.0, "unit_cost": 0.0, "value": 0.0}
        result_rows = []
        totals = {"in_quantity": 0.0, "in_value": 0.0, "out_quantity": 0.0, "out_value": 0.0}
        for row in rows:
            if not opening_done and row["date"] >= start:
                advance((start, 0))
                opening = {
                    "quantity": balance,
                    "unit_cost": cost_now(),
                    "value": balance * cost_now(),
                }
                opening_done = True
            key = (row["date"], row["move_id"])
            advance(key)
            quantity = float(row["quantity"])
            if row["valued"] and row["move_quantity"]:
                unit_cost = float(row["move_value"] or 0.0) / float(row["move_quantity"])
            else:
                unit_cost = cost_now()
            # the row's own valued move is part of the company's stock after it
            advance((row["date"], row["move_id"] + 1))
            balance += quantity
            if not opening_done:
                continue
            value = abs(quantity) * unit_cost
            if quantity > 0:
                totals["in_quantity"] += quantity
                totals["in_value"] += value
            else:
                totals["out_quantity"] -= quantity
                totals["out_value"] += value
            result_rows.append(
                {
                    "date": row["date"],
                    "reference": row["reference"] or "",
                    "movement_id": row["movement_id"] or False,
                    "move_id": row["move_id"],
                    "depot_id": row["depot_id"],
                    "depot": depot_names.get(row["depot_id"], ""),
                    "lot_id": row["lot_id"] or False,
                    "lot": lots.get(row["lot_id"], ""),
                    "flux_id": row["flux_id"] or False,
                    "flux": flux_names.get(row["flux_id"], ""),
                    "counterpart": counterparts[row["line_id"], row["depot_id"]],
                    "quantity_in": quantity if quantity > 0 else 0.0,
                    "quantity_out": -quantity if quantity < 0 else 0.0,
                    "balance": balance,
                    "unit_cost": unit_cost,
                    "value": value,
                    "balance_value": balance * cost_now(),
                }
            )
        if not opening_done:
            advance((start, 0))
            opening = {"quantity": balance, "unit_cost": cost_now(), "value": balance * cost_now()}
        advance((end, 0))
        closing = {"quantity": balance, "unit_cost": cost_now(), "value": balance * cost_now()}
        return {
            "product_id": product.id,
            "lot_id": lot.id or False,
            "depot_ids": depots.ids,
            "date_from": date_from,
            "date_to": date_to,
            "opening": opening,
            "rows": result_rows,
            "closing": closing,
            "totals": totals,
        }

    def _bhima_counterparts(self, rows):
        """{(line id, depot id): name of the other side}: the patient, supplier or
        donor, the service, the destination depot, else the other location."""
        partners = self.env["res.partner"].browse(
            {r["partner_id"] for r in rows if r["partner_id"]}
        )
        services = self.env["bhima.stock.service"].browse(
            {r["service_id"] for r in rows if r["service_id"]}
        )
        depots = self.env["stock.warehouse"].browse(
            {r["dest_depot_id"] for r in rows if r["dest_depot_id"]}
        )
        locations = self.env["stock.location"].browse({r["other_location_id"] for r in rows})
        names = {}
        for model, records in (
            ("partner_id", partners),
            ("service_id", services),
            ("dest_depot_id", depots),
            ("other_location_id", locations),
        ):
            names[model] = {record.id: record.sudo().display_name for record in records}
        result = {}
        for row in rows:
            name = ""
            for key in ("partner_id", "service_id", "dest_depot_id", "other_location_id"):
                if row[key] and not (
                    key == "dest_depot_id" and row["dest_depot_id"] == row["depot_id"]
                ):
                    name = names[key].get(row[key], "")
                    break
            result[row["line_id"], row["depot_id"]] = name
        return result

    # ------------------------------------------------------------------
    # Screen, PDF, spreadsheet
    # ------------------------------------------------------------------

    def action_compute(self):
        """Fill the sheet (and show it)."""
        self.ensure_one()
        ledger = self.env["bhima.stock.ledger"]
        depots = ledger._bhima_depots(self.depot_id.ids or None)
        date_from, date_to = ledger._bhima_check_period(self.date_from, self.date_to)
        data = self._bhima_sheet_data(self.product_id, depots, self.lot_id, date_from, date_to)
        self.line_ids.unlink()
        line_fields = set(self.env["bhima.stock.sheet.line"]._fields)
        self.env["bhima.stock.sheet.line"].create(
            [
                {"sheet_id": self.id, "sequence": index}
                | {key: value for key, value in row.items() if key in line_fields}
                for index, row in enumerate(data["rows"])
            ]
        )
        self.write(
            {
                "opening_quantity": data["opening"]["quantity"],
                "opening_unit_cost": data["opening"]["unit_cost"],
                "opening_value": data["opening"]["value"],
                "closing_quantity": data["closing"]["quantity"],
                "closing_unit_cost": data["closing"]["unit_cost"],
                "closing_value": data["closing"]["value"],
                "total_in_quantity": data["totals"]["in_quantity"],
                "total_in_value": data["totals"]["in_value"],
                "total_out_quantity": data["totals"]["out_quantity"],
                "total_out_value": data["totals"]["out_value"],
                "computed": True,
            }
        )
        return self._bhima_form_action()

    def _bhima_form_action(self):
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Stock Sheet"),
            "res_model": self._name,
            "res_id": self.id,
            "view_mode": "form",
            "target": "current",
        }

    @api.model
    def _bhima_open(self, product, depot=None, lot=None, date_to=None, date_from=None):
        """Create, fill and open the stock sheet of ``product``."""
        sheet = self.create(
            {
                "product_id": product.id,
                "depot_id": depot.id if depot else False,
                "lot_id": lot.id if lot else False,
                "date_to": date_to or fields.Date.context_today(self),
                "date_from": date_from or False,
            }
        )
        return sheet.action_compute()

    def action_print_pdf(self):
        self.ensure_one()
        if not self.computed:
            self.action_compute()
        return self.env.ref("bhima_stock.action_report_bhima_stock_sheet").report_action(self)

    def action_export_xlsx(self):
        """The sheet as a spreadsheet (downloaded)."""
        self.ensure_one()
        if not self.computed:
            self.action_compute()
        content = self._bhima_xlsx()
        name = self.env._(
            "Stock sheet %(article)s.xlsx",
            article=self.product_id.default_code or self.product_id.name,
        )
        attachment = self.env["ir.attachment"].create(
            {
                "name": name,
                "datas": base64.b64encode(content),
                "res_model": self._name,
                "res_id": self.id,
                "mimetype": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            }
        )
        return {
            "type": "ir.actions.act_url",
            "url": f"/web/content/{attachment.id}?download=true",
            "target": "download",
        }

    def _bhima_xlsx(self):
        self.ensure_one()
        output = io.BytesIO()
        workbook = xlsxwriter.Workbook(output, {"in_memory": True})
        sheet = workbook.add_worksheet(self.env._("Stock Sheet")[:31])
        bold = workbook.add_format({"bold": True})
        number = workbook.add_format({"num_format": "#,##0.00"})
        date_format = workbook.add_format({"num_format": "yyyy-mm-dd hh:mm"})
        sheet.write(0, 0, self.env._("Stock Sheet"), bold)
        sheet.write(1, 0, self.env._("Article"), bold)
        sheet.write(1, 1, self.product_id.display_name)
        sheet.write(2, 0, self.env._("Depot"), bold)
        sheet.write(2, 1, self.depot_id.display_name or self.env._("All depots"))
        sheet.write(3, 0, self.env._("Lot"), bold)
        sheet.write(3, 1, self.lot_id.name or self.env._("All lots"))
        sheet.write(4, 0, self.env._("Period"), bold)
        sheet.write(
            4,
            1,
            " - ".join(
                (
                    format_date(self.env, self.date_from) if self.date_from else "",
                    format_date(self.env, self.date_to),
                )
            ),
        )
        headers = [
            self.env._("Date"),
            self.env._("Reference"),
            self.env._("Depot"),
            self.env._("Lot"),
            self.env._("Flux"),
            self.env._("Counterpart"),
            self.env._("In"),
            self.env._("Out"),
            self.env._("Balance"),
            self.env._("Unit Cost"),
            self.env._("Value"),
            self.env._("Balance Value"),
        ]
        row = 6
        for column, header in enumerate(headers):
            sheet.write(row, column, header, bold)
        row += 1
        sheet.write(row, 1, self.env._("Opening balance"), bold)
        sheet.write_number(row, 8, self.opening_quantity, number)
        sheet.write_number(row, 9, self.opening_unit_cost, number)
        sheet.write_number(row, 11, self.opening_value, number)
        for line in self.line_ids:
            row += 1
            sheet.write_datetime(row, 0, line.date, date_format)
            sheet.write(row, 1, line.reference or "")
            sheet.write(row, 2, line.depot_id.display_name or "")
            sheet.write(row, 3, line.lot_id.name or "")
            sheet.write(row, 4, line.flux_id.display_name or "")
            sheet.write(row, 5, line.counterpart or "")
            sheet.write_number(row, 6, line.quantity_in, number)
            sheet.write_number(row, 7, line.quantity_out, number)
            sheet.write_number(row, 8, line.balance, number)
            sheet.write_number(row, 9, line.unit_cost, number)
            sheet.write_number(row, 10, line.value, number)
            sheet.write_number(row, 11, line.balance_value, number)
        row += 1
        sheet.write(row, 1, self.env._("Totals"), bold)
        sheet.write_number(row, 6, self.total_in_quantity, number)
        sheet.write_number(row, 7, self.total_out_quantity, number)
        row += 1
        sheet.write(row, 1, self.env._("Closing balance"), bold)
        sheet.write_number(row, 8, self.closing_quantity, number)
        sheet.write_number(row, 9, self.closing_unit_cost, number)
        sheet.write_number(row, 11, self.closing_value, number)
        sheet.set_column(0, 0, 17)
        sheet.set_column(1, 5, 18)
        sheet.set_column(6, 11, 13)
        workbook.close()
        return output.getvalue()
