"""Order reads for the store (own orders only), the merchant API and the back office."""

from datetime import datetime, time, timedelta

from django.db.models import Count, Prefetch, Q, QuerySet
from django.db.models.functions import TruncDate
from django.utils import timezone
from django.utils.translation import gettext as _

from micromall.errors import Invalid, NotFound

from .models import AfterSale, AfterSaleLine, AfterSaleStatus, Order, OrderLine, OrderStatus, Payment, Shipment

# The shopper's tabs (我的订单): tab -> statuses.
TABS = {
    "unpaid": [OrderStatus.PENDING_PAYMENT],  # 待付款
    "to_ship": [OrderStatus.PAID],  # 待发货
    "to_receive": [OrderStatus.SHIPPED],  # 待收货
    "completed": [OrderStatus.COMPLETED],  # 已完成
}


def statuses_filter(raw: str | None) -> list[str] | None:
    """`status` accepts a status, a tab name or a comma-separated list of them; None = every order."""
    if not raw:
        return None
    wanted: list[str] = []
    for part in (p.strip() for p in raw.split(",") if p.strip()):
        if part in OrderStatus.values:
            wanted.append(part)
        elif part in TABS:
            wanted.extend(TABS[part])
        else:
            choices = ", ".join([*OrderStatus.values, *TABS])
            raise Invalid(errors={"status": [_("Unknown status %(value)s; use one of: %(choices)s.") % {
                "value": part[:30], "choices": choices}]})  # fmt: skip
    return wanted


def _with_details(orders: QuerySet) -> QuerySet:
    return orders.prefetch_related(
        Prefetch("lines", queryset=OrderLine.objects.order_by("id")),
        Prefetch("shipments", queryset=Shipment.objects.order_by("id").prefetch_related("lines")),
    )


def _aftersales(queryset: QuerySet) -> QuerySet:
    return queryset.select_related("order", "exchange_shipment").prefetch_related(
        Prefetch("lines", queryset=AfterSaleLine.objects.select_related("order_line").order_by("id")),
        "exchange_shipment__lines",
    )


def member_order_detail(*, member, order_id: int) -> Order:
    """The member's order with its after-sales requests (the order page)."""
    _valid_id(order_id)
    order = (
        _with_details(Order.objects.filter(member=member, pk=order_id))
        .prefetch_related(Prefetch("aftersales", queryset=_aftersales(AfterSale.objects.order_by("id"))))
        .first()
    )
    if order is None:
        raise NotFound(_("Order not found."))
    return order


def member_aftersales(*, member) -> QuerySet:
    return _aftersales(AfterSale.objects.filter(order__member=member).order_by("-created", "-id"))


def member_aftersale(*, member, aftersale_id: int) -> AfterSale:
    _valid_id(aftersale_id)
    aftersale = member_aftersales(member=member).filter(pk=aftersale_id).first()
    if aftersale is None:
        raise NotFound(_("After-sales request not found."))
    return aftersale


def manage_aftersales(*, status: str | None = None) -> QuerySet:
    aftersales = _aftersales(AfterSale.objects.select_related("refund")).order_by("-created", "-id")
    if status:
        wanted = [part.strip() for part in status.split(",") if part.strip()]
        unknown = [part for part in wanted if part not in AfterSaleStatus.values]
        if unknown:
            raise Invalid(errors={"status": [_("Unknown status %(value)s; use one of: %(choices)s.") % {
                "value": unknown[0][:30], "choices": ", ".join(AfterSaleStatus.values)}]})  # fmt: skip
        aftersales = aftersales.filter(status__in=wanted)
    return aftersales


def manage_aftersale(*, aftersale_id: int) -> AfterSale:
    _valid_id(aftersale_id)
    aftersale = manage_aftersales().filter(pk=aftersale_id).first()
    if aftersale is None:
        raise NotFound(_("After-sales request not found."))
    return aftersale


def member_orders(*, member, status: str | None = None) -> QuerySet:
    orders = Order.objects.filter(member=member)
    statuses = statuses_filter(status)
    if statuses is not None:
        orders = orders.filter(status__in=statuses)
    return _with_details(orders.order_by("-created", "-id"))


def _valid_id(order_id: int) -> None:
    if not 0 < order_id < 2**63:  # a URL may carry any digits; PostgreSQL's bigint may not
        raise NotFound(_("Order not found."))


def member_order(*, member, order_id: int) -> Order:
    _valid_id(order_id)
    order = _with_details(Order.objects.filter(member=member, pk=order_id)).first()
    if order is None:
        raise NotFound(_("Order not found."))
    return order


def manage_orders(*, status: str | None = None, q: str | None = None) -> QuerySet:
    """Every order of the shop, newest first; `q` matches the order number (or its start) or a phone number
    (the delivery phone or the member's login phone)."""
    orders = Order.objects.select_related("member")
    statuses = statuses_filter(status)
    if statuses is not None:
        orders = orders.filter(status__in=statuses)
    q = (q or "").strip()[:40]
    if q:
        orders = orders.filter(Q(number__startswith=q) | Q(ship_phone=q) | Q(member__phone=q))
    return _with_details(orders.order_by("-created", "-id"))


def manage_order(*, order_id: int) -> Order:
    _valid_id(order_id)
    order = (
        _with_details(Order.objects.select_related("member").filter(pk=order_id))
        .prefetch_related(Prefetch("payments", queryset=Payment.objects.order_by("id")))
        .first()
    )
    if order is None:
        raise NotFound(_("Order not found."))
    return order


def orders_placed_per_day(*, start, end) -> dict:
    """{local date: orders placed that day} for start..end inclusive (order time; the data centre's "orders")."""
    tz = timezone.get_current_timezone()
    since = datetime.combine(start, time.min, tzinfo=tz)
    until = datetime.combine(end + timedelta(days=1), time.min, tzinfo=tz)
    rows = (
        Order.objects.filter(created__gte=since, created__lt=until)
        .annotate(day=TruncDate("created", tzinfo=tz))
        .values("day")
        .annotate(n=Count("id"))
        .order_by()
    )
    return {row["day"]: row["n"] for row in rows}


def pending_aftersales_count() -> int:
    """After-sales requests waiting for the merchant: to decide (requested) or to refund a received return."""
    return AfterSale.objects.filter(status__in=[AfterSaleStatus.REQUESTED, AfterSaleStatus.RECEIVED]).count()
