"""CSV exports of every data-centre table (openpyxl is not installed, so no XLSX). Text cells that a
spreadsheet would run as a formula are escaped; money in yuan with two decimals."""

import csv
import io
from collections.abc import Iterable, Iterator

from django.http import StreamingHttpResponse
from django.utils.translation import gettext as _

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def cell(value) -> str:
    if isinstance(value, int | float):
        return str(value)
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def yuan(amount: int | None) -> str:
    if amount is None:
        return ""
    sign = "-" if amount < 0 else ""
    major, minor = divmod(abs(int(amount)), 100)
    return f"{sign}{major}.{minor:02d}"


def csv_rows(rows: Iterable[list]) -> Iterator[str]:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    yield "\ufeff"  # Excel reads UTF-8 Chinese text only with a BOM
    for row in rows:
        writer.writerow([cell(v) for v in row])
        yield buffer.getvalue()
        buffer.seek(0)
        buffer.truncate(0)


def csv_response(rows: Iterable[list], filename: str) -> StreamingHttpResponse:
    response = StreamingHttpResponse(csv_rows(rows), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def table_rows(columns: list[tuple[str, str]], rows: Iterable[dict]) -> Iterator[list]:
    """columns: (key, header); keys ending in `_amount` or equal to `amount` are written in yuan."""
    yield [header for _key, header in columns]
    for row in rows:
        yield [yuan(row.get(key)) if key == "amount" or key.endswith("_amount") else row.get(key, "")
               for key, _header in columns]  # fmt: skip


def summary_rows(kpis: list[dict]) -> Iterator[list]:
    yield [_("Metric"), _("This period"), _("Previous period"), _("Change")]
    for kpi in kpis:
        yield [kpi["label"], kpi["text"], kpi["previous_text"], kpi["change_text"]]
