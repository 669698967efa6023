"""HTML pages: the printable invoice (zh-Hans, amounts in 元) and the operator's monthly revenue report with an
inline SVG chart of MRR and GMV (no CDN)."""

from datetime import date, timedelta

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone, translation

from micromall.errors import NotFound

from . import selectors
from .models import Invoice
from .money import yuan
from .operators import SEE_REVENUE, is_operator


def _invoice_context(invoice: Invoice) -> dict:
    account = invoice.account
    return {
        "invoice": invoice,
        "party": account.agency.name if account.agency_id else account.shop.name,
        "email": account.email,
        "lines": [
            {"line": line, "amount": yuan(line.amount, line.currency), "kind": line.get_kind_display()}
            for line in invoice.lines.all()
        ],
        "total": yuan(invoice.total_amount, invoice.currency),
    }


def render_invoice(request, invoice: Invoice):
    with translation.override("zh-hans"):  # the printable invoice is the Chinese document
        return render(request, "billing/invoice.html", _invoice_context(invoice))


def operator_invoice_page(request, invoice_id: int):
    """Operator admin (wrapped by admin_view: staff only)."""
    try:
        invoice = selectors.invoice_visible_to(user=request.user, invoice_id=invoice_id)
    except NotFound as exc:
        raise Http404 from exc
    return render_invoice(request, invoice)


def _month_starts(last: date, count: int) -> list[date]:
    months = []
    year, month = last.year, last.month
    for _ in range(count):
        months.append(date(year, month, 1))
        year, month = (year - 1, 12) if month == 1 else (year, month - 1)
    return list(reversed(months))


def _chart(rows: list[dict]) -> dict:
    """Bars for GMV, a line for MRR; coordinates computed here so the template only draws."""
    width, height, pad = 720, 240, 30
    peak = max([1] + [r["gmv_amount"] for r in rows] + [r["mrr_amount"] for r in rows])
    step = (width - 2 * pad) / max(len(rows), 1)
    bars, points = [], []
    for index, row in enumerate(rows):
        x = pad + index * step
        bar_height = (height - 2 * pad) * row["gmv_amount"] / peak
        bars.append(
            {
                "x": round(x + step * 0.15, 1),
                "y": round(height - pad - bar_height, 1),
                "w": round(step * 0.7, 1),
                "h": round(bar_height, 1),
                "label": row["label"],
            }
        )
        mrr_y = height - pad - (height - 2 * pad) * row["mrr_amount"] / peak
        points.append(f"{round(x + step / 2, 1)},{round(mrr_y, 1)}")
    return {"width": width, "height": height, "bars": bars, "mrr_points": " ".join(points), "baseline": height - pad}


def revenue_page(request):
    """Operator admin: the last 12 months (or ?month=YYYY-MM as the last one). Needs billing.view_revenue."""
    if not is_operator(request.user, SEE_REVENUE):
        raise PermissionDenied
    today = timezone.localdate()
    last = date(today.year, today.month, 1)
    raw = request.GET.get("month", "")
    if len(raw) == 7 and raw[4] == "-" and raw[:4].isdigit() and raw[5:].isdigit() and 1 <= int(raw[5:]) <= 12:
        last = date(int(raw[:4]), int(raw[5:]), 1)
    rows = []
    for month in _month_starts(last, 12):
        figures = selectors.revenue(month)
        _start, end = selectors.month_bounds(month)
        rows.append(
            {
                "label": f"{month:%Y-%m}",
                **figures,
                "mrr_amount": selectors.mrr_amount(end - timedelta(seconds=1)),
            }
        )
    table = [
        {
            **row,
            **{
                f"{k}_yuan": yuan(row[k])
                for k in ("subscriptions_amount", "technical_fees_amount", "gmv_amount", "mrr_amount")
            },
        }
        for row in rows
    ]
    from django.contrib import admin

    context = {**admin.site.each_context(request), "title": "营收报表 Revenue", "rows": table, "chart": _chart(rows)}
    return render(request, "billing/revenue.html", context)
