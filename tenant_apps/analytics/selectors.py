"""Reads of the data centre: KPIs exactly as PROMOTIONS.md defines them, for any date range, from the rollups
(rolled-up days) plus the raw events of the days not rolled up yet (today). Dates are the shop's local dates,
both ends included.

UV = distinct visitors with >= 1 view in the period (deduplicated over the period); PV = views;
add-to-cart rate = visitors who added to cart / product visitors; payment conversion = paying members /
visitors; average order amount (客单价) = paid amount / paying members; repeat rate = buyers with >= 2 paid
orders / paying buyers; share rate = sharers / visitors; fission = new visitors arriving through shares /
sharers. Orders count by order time, payments by payment time (COD at shipment, group buys when formed).
"""

from collections import defaultdict
from datetime import date, timedelta

from django.core.cache import cache
from django.db import connection
from django.db.models import Count, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext

from tenant_apps.catalog.interface import category_rows, product_labels
from tenant_apps.orders import interface as orders

from . import sql
from .models import AnalyticsSettings, Event, EventKind, OrderFact, Recommendation, RolledDay, Visitor

MAX_DAYS = 366
METRICS = (
    "visitors",
    "pv",
    "product_visitors",
    "orders",
    "paid_orders",
    "gmv_amount",
    "paying_members",
    "average_order_amount",
    "add_to_cart_rate",
    "conversion_rate",
    "share_rate",
)
DIMENSIONS = ("products", "categories", "distributors", "sources")


def analytics_settings() -> AnalyticsSettings:
    return AnalyticsSettings.objects.filter(pk=1).first() or AnalyticsSettings(pk=1)


def ratio(part: int, whole: int) -> float:
    return round(part / whole, 4) if whole else 0.0


def per(amount: int, count: int) -> int:
    """amount / count in whole fen, halves rounded up (integer arithmetic)."""
    return (2 * amount + count) // (2 * count) if count else 0


def _rows(query: str, params: dict) -> list[dict]:
    with connection.cursor() as cursor:
        cursor.execute(query, params)
        names = [column[0] for column in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


TRAFFIC = f"""
SELECT {{group}}
    COUNT(DISTINCT visitor) FILTER (WHERE views > 0) AS visitors,
    COALESCE(SUM(views), 0)::bigint AS pv,
    COUNT(DISTINCT visitor) FILTER (WHERE product_views > 0) AS product_visitors,
    COUNT(DISTINCT visitor) FILTER (WHERE carts > 0) AS cart_visitors,
    COUNT(DISTINCT visitor) FILTER (WHERE checkouts > 0) AS checkout_visitors,
    COUNT(DISTINCT visitor) FILTER (WHERE shares > 0) AS sharers
FROM ({sql.VISITOR_DAYS}) AS vd
{{group_by}}
"""


def traffic(start: date, end: date) -> dict:
    return _rows(TRAFFIC.format(group="", group_by=""), {"start": start, "end": end})[0]


def orders_placed(start: date, end: date) -> int:
    """Orders by order time: rolled-up days keep their count, the other days are read from orders."""
    return sum(orders_placed_per_day(start, end).values())


def orders_placed_per_day(start: date, end: date) -> dict[date, int]:
    rolled = dict(RolledDay.objects.filter(day__range=(start, end)).values_list("day", "orders"))
    days = [start + timedelta(days=n) for n in range((end - start).days + 1)]
    open_days = [day for day in days if day not in rolled]
    live = orders.orders_placed_per_day(start=open_days[0], end=open_days[-1]) if open_days else {}
    return {day: rolled[day] if day in rolled else live.get(day, 0) for day in days}


def payments(start: date, end: date) -> dict:
    paid = OrderFact.objects.filter(paid_day__range=(start, end))
    totals = paid.aggregate(
        paid_orders=Count("order_id"),
        gmv_amount=Sum("total_amount", default=0),
        refunded_amount=Sum("refunded_amount", default=0),
        paying_members=Count("member_id", distinct=True),
    )
    totals["repeat_buyers"] = paid.values("member_id").annotate(n=Count("order_id")).filter(n__gte=2).order_by().count()
    return totals


def new_visitors_via_share(start: date, end: date) -> int:
    return Visitor.objects.filter(first_day__range=(start, end)).exclude(first_share_code="").count()


def summary(start: date, end: date) -> dict:
    """The summary of API.md plus the other KPIs of PROMOTIONS.md (rates are fractions, 4 decimals)."""
    seen = traffic(start, end)
    paid = payments(start, end)
    via_share = new_visitors_via_share(start, end)
    visitors = seen["visitors"]
    return {
        "from": start,
        "to": end,
        "gmv_amount": paid["gmv_amount"],
        "orders": orders_placed(start, end),
        "paid_orders": paid["paid_orders"],
        "visitors": visitors,
        "add_to_cart_rate": ratio(seen["cart_visitors"], seen["product_visitors"]),
        "conversion_rate": ratio(paid["paying_members"], visitors),
        "average_order_amount": per(paid["gmv_amount"], paid["paying_members"]),
        "repeat_purchase_rate": ratio(paid["repeat_buyers"], paid["paying_members"]),
        "pv": seen["pv"],
        "pv_per_visitor": ratio(seen["pv"], visitors),
        "product_visitors": seen["product_visitors"],
        "cart_visitors": seen["cart_visitors"],
        "checkout_visitors": seen["checkout_visitors"],
        "paying_members": paid["paying_members"],
        "repeat_buyers": paid["repeat_buyers"],
        "refunded_amount": paid["refunded_amount"],
        "sharers": seen["sharers"],
        "share_rate": ratio(seen["sharers"], visitors),
        "new_visitors_via_share": via_share,
        "fission_rate": ratio(via_share, seen["sharers"]),
    }


def previous_period(start: date, end: date) -> tuple[date, date]:
    length = (end - start).days + 1
    return start - timedelta(days=length), start - timedelta(days=1)


def funnel(start: date, end: date, figures: dict | None = None) -> list[dict]:
    """visit -> product view -> add to cart -> order -> pay (visitors, then orders)."""
    f = figures or summary(start, end)
    steps = [
        ("visitors", f["visitors"]),
        ("product_visitors", f["product_visitors"]),
        ("cart_visitors", f["cart_visitors"]),
        ("orders", f["orders"]),
        ("paid_orders", f["paid_orders"]),
    ]
    return [{"step": step, "value": value} for step, value in steps]


def daily(start: date, end: date) -> list[dict]:
    """One row per day with every metric of METRICS (UV per day, so a day's visitors are that day's)."""
    seen = {
        row["day"]: row
        for row in _rows(TRAFFIC.format(group="day,", group_by="GROUP BY day"), {"start": start, "end": end})
    }
    paid = {
        row["paid_day"]: row
        for row in OrderFact.objects.filter(paid_day__range=(start, end))
        .values("paid_day")
        .annotate(
            paid_orders=Count("order_id"),
            gmv_amount=Sum("total_amount", default=0),
            paying_members=Count("member_id", distinct=True),
        )
        .order_by()
    }
    placed = orders_placed_per_day(start, end)
    rows = []
    for n in range((end - start).days + 1):
        day = start + timedelta(days=n)
        s = seen.get(day, {})
        p = paid.get(day, {})
        visitors, payers = s.get("visitors", 0), p.get("paying_members", 0)
        rows.append(
            {
                "date": day,
                "visitors": visitors,
                "pv": s.get("pv", 0),
                "product_visitors": s.get("product_visitors", 0),
                "orders": placed.get(day, 0),
                "paid_orders": p.get("paid_orders", 0),
                "gmv_amount": p.get("gmv_amount", 0),
                "paying_members": payers,
                "average_order_amount": per(p.get("gmv_amount", 0), payers),
                "add_to_cart_rate": ratio(s.get("cart_visitors", 0), s.get("product_visitors", 0)),
                "conversion_rate": ratio(payers, visitors),
                "share_rate": ratio(s.get("sharers", 0), visitors),
            }
        )
    return rows


def timeseries(metric: str, start: date, end: date) -> list[dict]:
    return [{"date": row["date"], "value": row[metric]} for row in daily(start, end)]


# --- top lists -------------------------------------------------------------------------------------------------


def _product_sales(start: date, end: date) -> dict[int, dict]:
    sales: dict[int, dict] = defaultdict(lambda: {"units": 0, "amount": 0, "orders": 0})
    for lines in OrderFact.objects.filter(paid_day__range=(start, end)).values_list("lines", flat=True):
        for product_id in {line["product_id"] for line in lines}:
            sales[product_id]["orders"] += 1
        for line in lines:
            sales[line["product_id"]]["units"] += line["quantity"]
            sales[line["product_id"]]["amount"] += line["total_amount"]
    return sales


def top_products(start: date, end: date, limit: int = 10) -> list[dict]:
    seen = {
        row["product_id"]: row
        for row in _rows(
            f"SELECT product_id, SUM(views) AS views, SUM(visitors) AS visitors, SUM(carts) AS carts "
            f"FROM ({sql.PRODUCT_DAYS}) AS pd GROUP BY product_id",
            {"start": start, "end": end},
        )
    }
    sales = _product_sales(start, end)
    ids = set(seen) | set(sales)
    labels = product_labels(ids) if ids else {}
    rows = []
    for product_id in ids:
        s, p = seen.get(product_id, {}), sales.get(product_id, {})
        rows.append(
            {
                "key": product_id,
                "label": labels[product_id][0] if product_id in labels else f"#{product_id}",
                "views": int(s.get("views") or 0),
                "visitors": int(s.get("visitors") or 0),
                "cart_visitors": int(s.get("carts") or 0),
                "paid_orders": p.get("orders", 0),
                "units": p.get("units", 0),
                "amount": p.get("amount", 0),
            }
        )
    rows.sort(key=lambda r: (-r["amount"], -r["units"], -r["views"], r["key"]))
    return rows[:limit]


def top_categories(start: date, end: date, limit: int = 10) -> list[dict]:
    """Products' figures summed by their top-level category (uncategorised products under key 0)."""
    products = top_products(start, end, limit=10**6)
    category_of = {pk: label[1] for pk, label in product_labels([r["key"] for r in products]).items()}
    rows_by_id = {row[0]: row for row in category_rows()}  # (id, parent id, name, slug)

    def root(category_id):
        while category_id in rows_by_id and rows_by_id[category_id][1] is not None:
            category_id = rows_by_id[category_id][1]
        return category_id

    totals: dict[int, dict] = {}
    for product in products:
        key = root(category_of.get(product["key"])) or 0
        label = rows_by_id[key][2] if key in rows_by_id else gettext("Uncategorised")
        row = totals.setdefault(key, {"key": key, "label": label, "views": 0, "visitors": 0, "cart_visitors": 0,
                                      "paid_orders": 0, "units": 0, "amount": 0})  # fmt: skip
        for field in ("views", "visitors", "cart_visitors", "paid_orders", "units", "amount"):
            row[field] += product[field]
    rows = sorted(totals.values(), key=lambda r: (-r["amount"], -r["views"], r["key"]))
    return rows[:limit]


def top_distributors(start: date, end: date, limit: int = 10) -> list[dict]:
    """Paid orders of the members bound to each distributor, and the visitors their links brought."""
    paid = {
        row["distributor_code"]: row
        for row in OrderFact.objects.filter(paid_day__range=(start, end))
        .exclude(distributor_code="")
        .values("distributor_code")
        .annotate(paid_orders=Count("order_id"), amount=Sum("total_amount"), buyers=Count("member_id", distinct=True))
        .order_by()
    }
    brought = {
        row["ref"]: row
        for row in _rows(
            f"SELECT ref, COUNT(DISTINCT visitor) FILTER (WHERE views > 0) AS visitors, "
            f"COUNT(DISTINCT visitor) FILTER (WHERE carts > 0) AS cart_visitors "
            f"FROM ({sql.VISITOR_DAYS}) AS vd WHERE ref <> '' GROUP BY ref",
            {"start": start, "end": end},
        )
    }
    rows = []
    for code in set(paid) | set(brought):
        p, b = paid.get(code, {}), brought.get(code, {})
        rows.append(
            {
                "key": code,
                "label": code,
                "visitors": b.get("visitors", 0),
                "cart_visitors": b.get("cart_visitors", 0),
                "buyers": p.get("buyers", 0),
                "paid_orders": p.get("paid_orders", 0),
                "amount": p.get("amount") or 0,
            }
        )
    rows.sort(key=lambda r: (-r["amount"], -r["visitors"], r["key"]))
    return rows[:limit]


def top_sources(start: date, end: date, limit: int = 10) -> list[dict]:
    """Visitors by how they arrived (their first arrival of each day), with the paying members among them."""
    from .models import Source

    rows = _rows(
        f"SELECT COALESCE(NULLIF(source, ''), 'direct') AS source, COUNT(DISTINCT visitor) AS visitors, "
        f"ARRAY_REMOVE(ARRAY_AGG(DISTINCT member_id), NULL) AS members "
        f"FROM ({sql.VISITOR_DAYS}) AS vd WHERE views > 0 GROUP BY 1",
        {"start": start, "end": end},
    )
    payers = set(OrderFact.objects.filter(paid_day__range=(start, end)).values_list("member_id", flat=True).distinct())
    labels = dict(Source.choices)
    result = [
        {
            "key": row["source"],
            "label": str(labels.get(row["source"], row["source"])),
            "visitors": row["visitors"],
            "paying_members": len(payers & set(row["members"])),
        }
        for row in rows
    ]
    result.sort(key=lambda r: (-r["visitors"], r["key"]))
    return result[:limit]


TOP = {
    "products": top_products,
    "categories": top_categories,
    "distributors": top_distributors,
    "sources": top_sources,
}


def top(dimension: str, start: date, end: date, limit: int = 10) -> list[dict]:
    return TOP[dimension](start, end, limit)


# --- share / fission tree --------------------------------------------------------------------------------------


def fission_tree(start: date, end: date, *, product_id: int | None = None, depth: int = 4) -> list[dict]:
    """Who shared, who arrived through their links, who those shared with...: nested nodes
    `{visitor, member_id, share_code, arrivals, paid_amount, children}`. With `product_id`, the roots are the
    visitors who shared that product (a campaign)."""
    params = {"start": start, "end": end}
    edges = _rows(
        f"SELECT via_share, visitor FROM ({sql.VISITOR_DAYS}) AS vd WHERE via_share <> '' GROUP BY 1, 2", params
    )
    children: dict[str, list[str]] = defaultdict(list)
    for edge in edges:
        if edge["visitor"] not in children[edge["via_share"]]:
            children[edge["via_share"]].append(edge["visitor"])
    share_filter = "AND product_id = %(product)s" if product_id else ""
    roots = [
        row["visitor"]
        for row in _rows(
            f"SELECT DISTINCT visitor FROM analytics_event WHERE kind = 'share' AND day BETWEEN %(start)s "
            f"AND %(end)s {share_filter} ORDER BY visitor",
            {**params, "product": product_id},
        )
    ]
    people = {
        v.visitor: v
        for v in Visitor.objects.filter(
            Q(visitor__in=roots) | Q(visitor__in=[v for vs in children.values() for v in vs])
        )
    }
    spent = dict(
        OrderFact.objects.filter(paid_day__range=(start, end), member_id__in=[p.member_id for p in people.values()])
        .values("member_id")
        .annotate(total=Sum("total_amount"))
        .values_list("member_id", "total")
    )

    def node(visitor: str, level: int, seen: set) -> dict:
        person = people.get(visitor)
        code = person.share_code if person else ""
        kids = [v for v in children.get(code, []) if v not in seen] if code and level < depth else []
        seen |= set(kids)
        return {
            "visitor": visitor,
            "member_id": person.member_id if person else None,
            "share_code": code,
            "arrivals": len(children.get(code, [])) if code else 0,
            "paid_amount": spent.get(person.member_id, 0) if person and person.member_id else 0,
            "children": [node(kid, level + 1, seen) for kid in kids],
        }

    # A sharer who arrived through another sharer's link is that sharer's child, not a root of their own.
    root_codes = {people[r].share_code for r in roots if r in people and people[r].share_code}
    reached = {v for code in root_codes for v in children.get(code, [])}
    roots = [r for r in roots if r not in reached]
    seen = set(roots)
    return [node(root, 1, seen) for root in roots]


# --- recommendations -------------------------------------------------------------------------------------------

RECOMMENDATIONS_CACHE_SECONDS = 24 * 3600


def _recommendations_key() -> str:
    return f"an:recs:{connection.schema_name}"


def cache_recommendations() -> dict:
    """All of the shop's lists in one cache entry: {kind: {product id: [other ids by rank]}}."""
    lists: dict[str, dict[int, list[int]]] = {}
    for kind, product_id, other_id in Recommendation.objects.values_list("kind", "product_id", "other_id"):
        lists.setdefault(kind, {}).setdefault(product_id, []).append(other_id)
    cache.set(_recommendations_key(), lists, RECOMMENDATIONS_CACHE_SECONDS)
    return lists


def recommendation_lists() -> dict:
    """From the cache (no query on a hit); rebuilt from the table on a miss."""
    lists = cache.get(_recommendations_key())
    return lists if lists is not None else cache_recommendations()


def recommended_ids(kind: str, product_id: int, limit: int = 6) -> list[int]:
    return recommendation_lists().get(kind, {}).get(product_id, [])[:limit]


def best_sellers(limit: int, days: int = 30) -> list[int]:
    since = timezone.localdate() - timedelta(days=days)
    sales: dict[int, int] = defaultdict(int)
    for lines in OrderFact.objects.filter(paid_day__gte=since).values_list("lines", flat=True):
        for line in lines:
            sales[line["product_id"]] += line["quantity"]
    return [pid for pid, _n in sorted(sales.items(), key=lambda item: (-item[1], item[0]))][:limit]


def guess_you_like(visitor: str | None, limit: int = 6) -> list[int]:
    """猜你喜欢: products related to what this visitor viewed lately (also viewed, then bought together), weighted
    by how recent the view is; not the ones already viewed. Best sellers fill up the list."""
    recent: list[int] = []
    if visitor:
        rows = (
            Event.objects.filter(visitor=visitor, kind=EventKind.VIEW_PRODUCT, product_id__isnull=False)
            .order_by("-at")
            .values_list("product_id", flat=True)[:20]
        )
        recent = list(dict.fromkeys(rows))
    lists = recommendation_lists()
    scores: dict[int, float] = defaultdict(float)
    for age, product_id in enumerate(recent):
        for kind, weight in (("also_viewed", 1.0), ("bought_together", 0.8)):
            for rank, other in enumerate(lists.get(kind, {}).get(product_id, [])):
                scores[other] += weight / (1 + age) / (1 + rank)
    seen = set(recent)
    picked = [pid for pid, _s in sorted(scores.items(), key=lambda item: (-item[1], item[0])) if pid not in seen]
    for pid in best_sellers(limit * 2):
        if len(picked) >= limit:
            break
        if pid not in seen and pid not in picked:
            picked.append(pid)
    return picked[:limit]
