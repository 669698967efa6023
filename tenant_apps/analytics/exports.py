"""CSV and XLSX exports of every data-centre table (overview tables, the CRM's member list, the platform report).

One table, two formats: rows are lists of typed values (`Yuan` for fen amounts, `Rate` for fractions, dates,
ints, text) and `export_response(fmt, rows, ...)` writes them as

- CSV: UTF-8 with a BOM (Excel and WPS read Chinese text only with it), every cell quoted; money `129.00`,
  rates `12.34%`;
- XLSX (openpyxl, write-only workbook): numbers stay numbers (money with two decimals, rates as percentages,
  dates as dates) so the merchant can sum and sort them; a bold, frozen header row.

Text cells a spreadsheet would run as a formula (starting with = + - @, a tab or a carriage return) get a
leading apostrophe in both formats (OWASP, CSV injection); an XLSX text cell is also stored as text, never as a
formula or an error value, and characters XML cannot carry are dropped.
"""

import csv
import io
from collections.abc import Iterable, Iterator
from datetime import date, datetime
from decimal import Decimal

from django.http import HttpResponse, StreamingHttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from micromall.money import to_yuan_text

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
FORMATS = ("csv", "xlsx")
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MONEY_FORMAT = "#,##0.00"
RATE_FORMAT = "0.00%"


class Yuan(int):
    """An amount in fen, written in yuan (a number with two decimals)."""


class Rate(float):
    """A fraction, written as a percentage."""


def escape(text: str) -> str:
    """OWASP: a text cell a spreadsheet would run as a formula gets a leading apostrophe."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def local(moment: datetime) -> datetime:
    return timezone.localtime(moment) if timezone.is_aware(moment) else moment


def csv_cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, Yuan):
        return to_yuan_text(value)
    if isinstance(value, Rate):
        return f"{value * 100:.2f}%"
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, int | float | Decimal):
        return str(value)
    if isinstance(value, datetime):
        return local(value).strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, date):
        return value.isoformat()
    return escape(str(value))


def csv_rows(rows: Iterable[list]) -> Iterator[str]:
    buffer = io.StringIO()
    writer = csv.writer(buffer, quoting=csv.QUOTE_ALL)  # OWASP: every cell quoted, quotes doubled
    yield "\ufeff"
    for row in rows:
        writer.writerow([csv_cell(v) for v in row])
        yield buffer.getvalue()
        buffer.seek(0)
        buffer.truncate(0)


def xlsx_value(value) -> tuple[object, str | None]:
    """(the value openpyxl stores, its number format or None); text comes back as str, to be stored as text."""
    if value is None:
        return None, None
    if isinstance(value, Yuan):
        return Decimal(int(value)) / 100, MONEY_FORMAT
    if isinstance(value, Rate):
        return float(value), RATE_FORMAT
    if isinstance(value, bool | int | float | Decimal):
        return value, None
    if isinstance(value, datetime):
        return local(value).replace(tzinfo=None), "yyyy-mm-dd hh:mm:ss"  # Excel has no time zones
    if isinstance(value, date):
        return value, "yyyy-mm-dd"
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    return escape(ILLEGAL_CHARACTERS_RE.sub("", str(value))), None


def sheet_title(title: str) -> str:
    """Excel's rules: at most 31 characters, none of []:*?/\\."""
    cleaned = "".join(" " if ch in "[]:*?/\\" else ch for ch in title).strip("' ")
    return cleaned[:31] or "Sheet1"


def xlsx_bytes(rows: Iterable[list], title: str) -> bytes:
    """A workbook of one sheet; the first row is the header (bold, frozen)."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=sheet_title(title))
    sheet.freeze_panes = "A2"
    bold = Font(bold=True)
    for number, row in enumerate(rows):
        cells = []
        for raw in row:
            value, number_format = xlsx_value(raw)
            cell = WriteOnlyCell(sheet, value=value)
            if isinstance(value, str):
                cell.data_type = "s"  # never a formula ("=...") nor an error value ("#N/A")
            if number_format:
                cell.number_format = number_format
            if number == 0:
                cell.font = bold
            cells.append(cell)
        sheet.append(cells)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def export_response(fmt: str, rows: Iterable[list], basename: str, *, title: str = ""):
    """The table as a download: `<basename>.csv` (streamed) or `<basename>.xlsx`."""
    if fmt == "xlsx":
        response = HttpResponse(xlsx_bytes(rows, title or basename), content_type=XLSX_TYPE)
    elif fmt == "csv":
        response = StreamingHttpResponse(csv_rows(rows), content_type="text/csv; charset=utf-8")
    else:
        raise ValueError(fmt)
    response["Content-Disposition"] = f'attachment; filename="{basename}.{fmt}"'
    return response


def typed(key: str, value):
    """A table value by its column key: `amount` / `*_amount` are fen, `*_rate` fractions."""
    if value is None or value == "":
        return value
    if key == "amount" or key.endswith("_amount"):
        return Yuan(value)
    if key.endswith("_rate"):
        return Rate(value)
    return value


def table_rows(columns: list[tuple[str, str]], rows: Iterable[dict]) -> Iterator[list]:
    """columns: (key, header); values typed by their key (see `typed`)."""
    yield [header for _key, header in columns]
    for row in rows:
        yield [typed(key, row.get(key, "")) for key, _header in columns]


def summary_rows(kpis: list[dict]) -> Iterator[list]:
    """The KPI cards: metric, this period, the previous one, the change (a percentage; empty from zero)."""
    yield [_("Metric"), _("This period"), _("Previous period"), pgettext("data centre", "Change")]
    for kpi in kpis:
        value, previous = kpi["value"], kpi["previous"]
        change = Rate((value - previous) / previous) if previous else None
        yield [kpi["label"], kpi_value(value, kpi["kind"]), kpi_value(previous, kpi["kind"]), change]


def kpi_value(value, kind: str):
    if kind == "money":
        return Yuan(value)
    if kind == "rate":
        return Rate(value)
    return value
