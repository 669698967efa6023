"""The operator's dashboard and the agency's cross-shop report, from the shops' rolled-up days (ShopDayStat)
plus the control plane's own facts (shops, subscriptions through billing.interface)."""

from datetime import date, datetime, time, timedelta

from django.db.models import Count, Sum
from django.utils import timezone

from billing.interface import churned_shop_ids, mrr_amount_at
from shared_apps.tenancy.models import Shop, ShopStatus

from .models import ShopDayStat

FIGURES = ("visitors", "pv", "orders", "paid_orders", "gmv_amount", "paying_members")


def _bounds(start: date, end: date) -> tuple[datetime, datetime]:
    tz = timezone.get_current_timezone()
    return datetime.combine(start, time.min, tzinfo=tz), datetime.combine(end + timedelta(days=1), time.min, tzinfo=tz)


def days(start: date, end: date) -> list[date]:
    return [start + timedelta(days=n) for n in range((end - start).days + 1)]


def figures_of(row: dict | None) -> dict:
    return {name: int((row or {}).get(name) or 0) for name in FIGURES}


def totals(stats) -> dict:
    row = stats.aggregate(**{name: Sum(name, default=0) for name in FIGURES})
    return {name: int(row[name]) for name in FIGURES}


def operator_report(start: date, end: date) -> dict:
    """Shops by status, new shops, churn, MRR at the end of the period, and GMV/orders/visitors of every shop
    (visitors summed per shop and day: a shopper of two shops is two visitors)."""
    since, until = _bounds(start, end)
    shops = Shop.objects.filter(is_demo=False).exclude(schema_name="public")
    by_status = dict(shops.values_list("status").annotate(n=Count("id")).order_by())
    stats = ShopDayStat.objects.filter(day__range=(start, end), shop__in=shops)
    daily = {
        row["day"]: row for row in stats.values("day").annotate(**{name: Sum(name) for name in FIGURES}).order_by("day")
    }
    churned = churned_shop_ids(since, until)
    active_at_start = shops.filter(created__lt=since).count()
    return {
        "from": start,
        "to": end,
        "shops_by_status": {status: by_status.get(status, 0) for status in ShopStatus.values},
        "new_shops": shops.filter(created__gte=since, created__lt=until).count(),
        "churned_shops": len(churned),
        "churn_rate": round(len(churned) / active_at_start, 4) if active_at_start else 0.0,
        "mrr_amount": mrr_amount_at(min(until, timezone.now())),
        **totals(stats),
        "daily": [{"date": day, **figures_of(daily.get(day))} for day in days(start, end)],
        "top_shops": shop_rows(stats)[:20],
    }


def shop_rows(stats) -> list[dict]:
    rows = stats.values("shop_id", "shop__name", "shop__subdomain").annotate(**{name: Sum(name) for name in FIGURES})
    result = [
        {"shop_id": r["shop_id"], "name": r["shop__name"], "subdomain": r["shop__subdomain"],
         **{name: int(r[name] or 0) for name in FIGURES}}
        for r in rows.order_by()
    ]  # fmt: skip
    result.sort(key=lambda r: (-r["gmv_amount"], r["shop_id"]))
    return result


def agency_report(agency_id: int, start: date, end: date) -> dict:
    """Every client shop of the agency (also those without figures yet) with its figures, and the totals."""
    shops = list(Shop.objects.filter(agency_id=agency_id, is_demo=False).order_by("id"))
    stats = ShopDayStat.objects.filter(day__range=(start, end), shop__in=shops)
    found = {row["shop_id"]: row for row in shop_rows(stats)}
    rows = [
        found.get(shop.pk)
        or {"shop_id": shop.pk, "name": shop.name, "subdomain": shop.subdomain, **{name: 0 for name in FIGURES}}
        for shop in shops
    ]
    return {"from": start, "to": end, "shops": rows, "totals": totals(stats)}
