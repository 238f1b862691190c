"""Reading the spreadsheets users import (CSV and XLSX), the way French
spreadsheets are written: semicolons or commas, decimal commas, Latin-1 or
UTF-8 with or without BOM, dates as dd/mm/yyyy. Every problem is a translated
``UserError``; nothing here writes to the database."""

import csv
import io
import re
import unicodedata
import zipfile
from datetime import date, datetime, timedelta

from odoo.exceptions import UserError

XLSX_MAGIC = b"PK\x03\x04"
XLS_MAGIC = b"\xd0\xcf\x11\xe0"
DELIMITERS = (";", ",", "\t", "|")
DATE_FORMATS = ("%d/%m/%Y", "%Y-%m-%d", "%d-%m-%Y", "%d.%m.%Y", "%Y/%m/%d", "%d/%m/%y")
EXCEL_EPOCH = datetime(1899, 12, 30)
SPACES = re.compile(r"[\s\u00a0\u202f']+")


def normalize_header(text):
    """'Date d'expiration ' -> 'date d expiration': lower case, no accents, one
    space between words."""
    text = unicodedata.normalize("NFKD", str(text or ""))
    text = "".join(char for char in text if not unicodedata.combining(char)).lower()
    return " ".join(re.sub(r"[^a-z0-9]+", " ", text).split())


def _decode(data):
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="strict")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16")
    for encoding in ("utf-8", "cp1252"):
        text = _try_decode(data, encoding)
        if text is not None:
            return text
    return data.decode("latin-1")


def _try_decode(data, encoding):
    """The text, or None when ``data`` is not in ``encoding``."""
    try:
        return data.decode(encoding)
    except UnicodeDecodeError:
        return None


def _sniff_delimiter(text):
    first = next((line for line in text.splitlines() if line.strip()), "")
    counts = {}
    for delimiter in DELIMITERS:
        inside, count = False, 0
        for char in first:
            if char == '"':
                inside = not inside
            elif char == delimiter and not inside:
                count += 1
        counts[delimiter] = count
    best = max(DELIMITERS, key=lambda d: counts[d])
    return best if counts[best] else ";"


def _read_csv(env, data):
    if b"\x00" in data[:4096] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise UserError(
            env._("The file is not a text (CSV) file nor an Excel (XLSX) file: it looks corrupt.")
        )
    try:
        text = _decode(data)
    except UnicodeDecodeError as error:
        raise UserError(
            env._("The file cannot be read as text: %(error)s", error=str(error))
        ) from error
    try:
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=_sniff_delimiter(text))
        return [[cell.strip() for cell in row] for row in reader]
    except csv.Error as error:
        raise UserError(env._("The CSV file is malformed: %(error)s", error=str(error))) from error


def _read_xlsx(env, data, max_rows):
    import openpyxl

    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError, TypeError) as error:
        raise UserError(
            env._("The Excel file cannot be opened (%(error)s): it looks corrupt.", error=error)
        ) from error
    except Exception as error:  # openpyxl raises its own exception classes
        raise UserError(
            env._("The Excel file cannot be opened (%(error)s): it looks corrupt.", error=error)
        ) from error
    try:
        sheet = book.worksheets[0]
        rows = []
        for row in sheet.iter_rows(values_only=True):
            rows.append([cell.strip() if isinstance(cell, str) else cell for cell in (row or ())])
            if len(rows) > max_rows + 2:  # header and margin: the caller reports the size
                break
        return rows
    except Exception as error:
        raise UserError(
            env._("The Excel file cannot be read (%(error)s): it looks corrupt.", error=error)
        ) from error
    finally:
        book.close()


def read_table(env, data, filename, max_rows):
    """``(header, rows)``: the header cells as in the file, and ``[(row number,
    cells)]`` for every non-empty data row (row numbers as the spreadsheet shows
    them, the header being row 1). Raises a translated ``UserError`` for an
    empty, corrupt or too large file."""
    if not data:
        raise UserError(env._("The file is empty."))
    name = (filename or "").lower()
    if data.startswith(XLS_MAGIC) or name.endswith(".xls"):
        raise UserError(
            env._("Old Excel files (.xls) are not supported: save the file as .xlsx or as CSV.")
        )
    if data.startswith(XLSX_MAGIC) or name.endswith((".xlsx", ".xlsm")):
        table = _read_xlsx(env, data, max_rows)
    else:
        table = _read_csv(env, data)
    header, rows, number = None, [], 0
    for cells in table:
        number += 1
        if not any(cell not in (None, "") for cell in cells):
            continue
        if header is None:
            header = [("" if cell is None else str(cell)).strip() for cell in cells]
            continue
        rows.append((number, cells))
    if header is None:
        raise UserError(env._("The file is empty."))
    if not rows:
        raise UserError(env._("The file has a header but no data row."))
    if len(rows) > max_rows:
        raise UserError(
            env._(
                "The file has more than %(max)s rows: split it into smaller files.",
                max=max_rows,
            )
        )
    return header, rows


def cell_text(value):
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() else str(value)
    return str(value).strip()


def parse_number(value):
    """A float from a cell: 12 / 12,5 / 1 234,50 / 1.234,50 / 1,234.50.
    Raises ValueError."""
    if isinstance(value, bool):
        raise ValueError(value)
    if isinstance(value, (int, float)):
        if value != value or value in (float("inf"), float("-inf")):  # NaN, infinity
            raise ValueError(value)
        return float(value)
    text = SPACES.sub("", str(value))
    if not text:
        raise ValueError(value)
    if "," in text and "." in text:
        if text.rfind(",") > text.rfind("."):
            text = text.replace(".", "").replace(",", ".")
        else:
            text = text.replace(",", "")
    elif text.count(",") > 1:
        text = text.replace(",", "")
    elif "," in text:
        text = text.replace(",", ".")
    elif text.count(".") > 1:
        text = text.replace(".", "")
    if not re.fullmatch(r"[+-]?(\d+\.?\d*|\.\d+)", text):
        raise ValueError(value)
    return float(text)


def parse_date(value):
    """A date from a cell: a spreadsheet date, an Excel serial number, or
    dd/mm/yyyy, yyyy-mm-dd, dd-mm-yyyy, dd.mm.yyyy (with or without a time).
    Raises ValueError."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if 1 <= value < 2958466:
            return (EXCEL_EPOCH + timedelta(days=int(value))).date()
        raise ValueError(value)
    text = str(value).strip().split(" ")[0].split("T")[0]
    for date_format in DATE_FORMATS:
        parsed = _strptime(text, date_format)
        if parsed:
            return parsed
    raise ValueError(value)


def _strptime(text, date_format):
    try:
        return datetime.strptime(text, date_format).date()
    except ValueError:
        return None


def write_csv(header, rows):
    """A French CSV (semicolons, UTF-8 with BOM so that spreadsheets read the
    accents)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    return "\ufeff".encode() + buffer.getvalue().encode("utf-8")


def write_xlsx(header, rows):
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
