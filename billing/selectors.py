"""Billing reads: plans, a shop's subscription and invoices as its staff may see them, GMV, revenue."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from django.db.models import Prefetch, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from micromall.errors import NotFound, PermissionDenied
from shared_apps.tenancy.models import Shop
from shared_apps.tenancy.roles import Permission, role_has
from shared_apps.tenancy.selectors import membership_role, shops_for_user

from .models import FeeEntry, Invoice, InvoiceLine, InvoiceStatus, LineKind, Plan, Subscription, SubscriptionStatus
from .operators import is_operator

# Who reads and changes billing comes from the one role table (shared_apps/tenancy/roles.py).
BILLING_READ = Permission.BILLING_VIEW
BILLING_WRITE = Permission.BILLING_MANAGE


def active_plans():
    return Plan.objects.filter(is_active=True).order_by("rank", "interval")


def shop_for_billing(*, user, shop_id: int, write: bool = False) -> Shop:
    """The shop if `user` may read (or change) its billing; another shop's id is 404, a weaker role 403."""
    shop = Shop.objects.filter(pk=shop_id, is_demo=False).select_related("agency", "owner").first()
    role = membership_role(user=user, shop=shop) if shop else None
    if role is None:
        raise NotFound(_("No such shop."))
    if not role_has(role, BILLING_WRITE if write else BILLING_READ):
        raise PermissionDenied(_("Your role on this shop does not include billing."))
    return shop


def subscription_of(shop: Shop) -> Subscription:
    subscription = Subscription.objects.select_related("plan").filter(shop=shop).first()
    if subscription is None:
        raise NotFound(_("This shop has no subscription."))
    return subscription


def trial_days_left(subscription: Subscription, now: datetime | None = None) -> int:
    if subscription.status != SubscriptionStatus.TRIALING or not subscription.trial_end:
        return 0
    seconds = (subscription.trial_end - (now or timezone.now())).total_seconds()
    return max(0, -(-int(seconds) // 86400))


def _with_lines(invoices, shop_ids=None):
    """`shop_ids`: only the lines of these shops (a client shop never reads another client's lines)."""
    lines = InvoiceLine.objects.order_by("position", "id")
    if shop_ids is not None:
        lines = lines.filter(shop_id__in=shop_ids)
    return invoices.prefetch_related(Prefetch("lines", queryset=lines))


def invoices_for_shop(shop: Shop, *, user):
    """Invoices with a line for this shop (its own, or its agency's consolidated ones), with the lines of the shops
    `user` may read the billing of: an agency's invoice also bills its other client shops, whose plans and sales
    are none of one client's business, while the agency's own people see the whole invoice."""
    ids = InvoiceLine.objects.filter(shop=shop, invoice__isnull=False).values("invoice_id")
    readable = {shop.pk} | billing_readable_shop_ids(user)
    return _with_lines(Invoice.objects.filter(pk__in=ids), shop_ids=readable).order_by("-issued_at", "-id")


def billing_readable_shop_ids(user) -> set[int]:
    """The shops whose billing `user` may read: their own memberships and their agencies' client shops."""
    return {m.shop_id for m in shops_for_user(user) if role_has(m.role, BILLING_READ)}


def invoices_for_account(account):
    return _with_lines(Invoice.objects.filter(account=account)).order_by("-issued_at", "-id")


def invoice_visible_to(*, user, invoice_id: int) -> Invoice:
    """For the printable page: the invoice if the user may read billing of a shop on it (or is operator staff)."""
    invoice = _with_lines(Invoice.objects.filter(pk=invoice_id)).select_related("account__shop", "account__agency")
    invoice = invoice.first()
    if invoice is None:
        raise NotFound(_("No such invoice."))
    if is_operator(user, "billing.view_invoice"):
        return invoice
    on_it = {line.shop_id for line in invoice.lines.all()}
    readable = on_it & billing_readable_shop_ids(user)
    if not readable:
        raise NotFound(_("No such invoice."))
    if readable == on_it:
        return invoice  # the agency's people, or a shop's own invoice
    return _with_lines(Invoice.objects.filter(pk=invoice_id), shop_ids=readable).select_related(
        "account__shop", "account__agency"
    )[0]  # a client shop's staff: their own lines only


def fee_ledger(shop: Shop, limit: int = 200):
    return FeeEntry.objects.filter(shop=shop).order_by("-occurred_at", "-id")[:limit]


def gmv_amount(shop_ids, start: datetime, end: datetime) -> dict[int, int]:
    rows = (
        FeeEntry.objects.filter(shop_id__in=shop_ids, occurred_at__gte=start, occurred_at__lt=end)
        .values("shop_id")
        .annotate(gmv=Sum("gmv_amount"))
    )
    return {row["shop_id"]: int(row["gmv"] or 0) for row in rows}


def gmv_30d(shop_ids, now: datetime | None = None) -> dict[int, int]:
    now = now or timezone.now()
    return gmv_amount(shop_ids, now - timedelta(days=30), now)


def month_bounds(month: date) -> tuple[datetime, datetime]:
    start = timezone.make_aware(datetime(month.year, month.month, 1))
    end = timezone.make_aware(datetime(month.year + month.month // 12, month.month % 12 + 1, 1))
    return start, end


def revenue(month: date) -> dict[str, int]:
    """Issued (non-void) invoice lines of the month by kind, and GMV from the fee ledger (all in fen).

    Fees Stripe took as application fees count too: they are platform revenue even though never invoiced."""
    start, end = month_bounds(month)
    lines = InvoiceLine.objects.filter(
        invoice__issued_at__gte=start,
        invoice__issued_at__lt=end,
        invoice__status__in=[InvoiceStatus.OPEN, InvoiceStatus.PAID],
    )
    by_kind = dict(lines.values_list("kind").annotate(total=Sum("amount")).values_list("kind", "total"))
    entries = FeeEntry.objects.filter(occurred_at__gte=start, occurred_at__lt=end)
    stripe_fees = entries.filter(collected_by_stripe=True).aggregate(total=Sum("fee_amount"))["total"] or 0
    return {
        "subscriptions_amount": int(by_kind.get(LineKind.SUBSCRIPTION, 0) + by_kind.get(LineKind.PRORATION, 0)),
        "technical_fees_amount": int(by_kind.get(LineKind.TECHNICAL_FEE, 0) + stripe_fees),
        "gmv_amount": int(entries.aggregate(total=Sum("gmv_amount"))["total"] or 0),
        "currency": "CNY",
    }


def mrr_amount(at: datetime) -> int:
    """Monthly recurring revenue of paying subscriptions at `at` (yearly plans count a twelfth)."""
    total = 0
    for price, interval in Subscription.objects.filter(
        status__in=[SubscriptionStatus.ACTIVE, SubscriptionStatus.PAST_DUE], current_period_start__lte=at
    ).values_list("plan__price_amount", "plan__interval"):
        total += price if interval == "month" else (price + 6) // 12
    return total


def ops_shops(status: str | None = None):
    shops = Shop.objects.filter(is_demo=False).select_related("subscription__plan").order_by("id")
    if status:
        shops = shops.filter(status=status)
    return shops
