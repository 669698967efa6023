"""Flash-sale reads: what checkout needs to price an order, the storefront's sessions, the merchant's stats."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from django.db.models import Count, Prefetch, Q, Sum

from tenant_apps.marketing.interface import ActivityStatus, effective_status

from .models import FlashSale, FlashSaleItem, FlashSaleParticipation, FlashSaleQuota, ParticipationStatus

STORE_SESSIONS = 20


def sale_for_order(*, sale_id: int, sku_ids: Iterable[int]) -> tuple[FlashSale | None, dict[int, FlashSaleItem]]:
    """The session and its items for these SKUs ({sku_id: item}), in one query; (None, {}) when unknown."""
    rows = list(FlashSaleItem.objects.filter(sale_id=sale_id, sku_id__in=list(sku_ids)).select_related("sale"))
    if rows:
        return rows[0].sale, {row.sku_id: row for row in rows}
    return FlashSale.objects.filter(pk=sale_id).first(), {}


def quota_held(*, member_id: int, item_ids: list[int]) -> dict[int, int]:
    """{item id: units the member holds in placed or paid orders}."""
    return dict(
        FlashSaleQuota.objects.filter(member_id=member_id, item_id__in=item_ids).values_list("item_id", "bought")
    )


@dataclass(frozen=True)
class StoreSession:
    sale: FlashSale
    status: str  # effective: running, scheduled or paused
    items: list[FlashSaleItem]


def store_sessions(*, now: datetime) -> list[StoreSession]:
    """Running and upcoming sessions (published, not ended), earliest first, with their items."""
    sales = (
        FlashSale.objects.filter(
            status__in=[ActivityStatus.SCHEDULED, ActivityStatus.RUNNING, ActivityStatus.PAUSED], ends_at__gt=now
        )
        .order_by("starts_at", "id")
        .prefetch_related(Prefetch("items", queryset=FlashSaleItem.objects.order_by("position", "id")))[:STORE_SESSIONS]
    )
    return [
        StoreSession(sale, effective_status(sale.status, sale.starts_at, sale.ends_at, now), list(sale.items.all()))
        for sale in sales
    ]


def manage_sales(*, status: str | None = None):
    sales = FlashSale.objects.annotate(
        items_count=Count("items", distinct=True),
        stock_total=Sum("items__stock"),
        remaining_total=Sum("items__remaining"),
    ).order_by("-starts_at", "-id")
    if status:
        sales = sales.filter(status=status)
    return sales


def manage_sale(*, sale_id: int) -> FlashSale | None:
    return (
        FlashSale.objects.filter(pk=sale_id)
        .prefetch_related(Prefetch("items", queryset=FlashSaleItem.objects.order_by("position", "id")))
        .first()
    )


def item_stats(*, sale_id: int) -> dict[int, dict[str, int]]:
    """{item id: {orders, paid_orders, buyers, paid_units}} of a session (released orders left out)."""
    rows = (
        FlashSaleParticipation.objects.filter(sale_id=sale_id)
        .exclude(status=ParticipationStatus.RELEASED)
        .values("item_id")
        .annotate(
            orders=Count("order_id", distinct=True),
            paid_orders=Count("order_id", distinct=True, filter=Q(status=ParticipationStatus.PAID)),
            buyers=Count("member_id", distinct=True),
            paid_units=Sum("quantity", filter=Q(status=ParticipationStatus.PAID)),
        )
    )
    return {
        row["item_id"]: {
            "orders": row["orders"],
            "paid_orders": row["paid_orders"],
            "buyers": row["buyers"],
            "paid_units": row["paid_units"] or 0,
        }
        for row in rows
    }
