"""Billing writers (public schema): subscriptions, the billing run, invoices, dunning, suspension, the fee ledger.

Every function takes `now` so that tests (and replays) inject time; `None` means `timezone.now()`. One state
machine for both modes: offline (invoices issued here, the operator marks them paid) and Stripe (Stripe runs the
subscription cycle and charges; its webhooks drive the same transitions, see billing/services/stripe_billing.py).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from micromall.errors import Conflict, Invalid, NotFound
from shared_apps.tenancy.models import Shop, ShopMembership, ShopStatus
from shared_apps.tenancy.services import set_status

from ..models import (
    BillingAccount,
    BillingTransfer,
    FeeEntry,
    Invoice,
    InvoiceLine,
    InvoiceStatus,
    LineKind,
    Plan,
    ShopStatusChange,
    Subscription,
    SubscriptionChange,
    SubscriptionStatus,
)
from ..money import fee_amount, prorate, yuan
from ..plans import plan_rows
from . import stripe_billing as stripe_sync

OPERATOR, BILLING = "operator", "billing"


def _now(now: datetime | None) -> datetime:
    return now or timezone.now()


def period_after(start: datetime, interval: str) -> datetime:
    return start + (relativedelta(years=1) if interval == "year" else relativedelta(months=1))


# --- billing accounts ----------------------------------------------------------------------------------------------


def account_for_shop(shop: Shop) -> BillingAccount:
    owner_email = shop.owner.email if shop.owner_id else ""
    account, _created = BillingAccount.objects.get_or_create(shop=shop, defaults={"email": owner_email})
    return account


def account_for_agency(agency) -> BillingAccount:
    account, _created = BillingAccount.objects.get_or_create(agency=agency)
    return account


def payer_for(shop: Shop) -> BillingAccount:
    """An agency's client shop is billed to the agency (one consolidated invoice), any other shop to itself."""
    return account_for_agency(shop.agency) if shop.agency_id else account_for_shop(shop)


# --- subscriptions -------------------------------------------------------------------------------------------------


def _plan(code: str) -> Plan:
    plan = Plan.objects.filter(code=code, is_active=True).first() if isinstance(code, str) else None
    if plan is None:
        raise Invalid(errors={"plan": [_("Unknown plan.")]})
    return plan


def seed_default_plans(plan_model=Plan) -> None:
    """Create the default plans that are missing (never changes a plan the operator edited)."""
    for code, fields in plan_rows():
        plan_model.objects.get_or_create(code=code, defaults=fields)


# Stripe prices are immutable: a change of any of these on a plan needs a new Stripe Price.
PRICE_FIELDS = ("price_amount", "currency", "interval")


@transaction.atomic
def save_plan(*, plan: Plan, changed: list[str] | tuple[str, ...] = ()) -> Plan:
    """The operator's plan screen saves here: the fee rate is checked and a price change drops the Stripe Price id."""
    if plan.technical_fee_bps > 10000:
        raise Invalid(errors={"technical_fee_bps": [_("Give at most 10000 basis points (100%).")]})
    if plan.pk and any(name in changed for name in PRICE_FIELDS):
        plan.stripe_price_id = ""
    plan.save()
    return plan


def _trial_plan(code: str) -> Plan:
    if not Plan.objects.filter(code=code).exists():
        seed_default_plans(Plan)  # the table was emptied: signups must not fail for want of a plan
    return _plan(code)


def start_trial(*, shop: Shop, plan_code: str | None = None, now: datetime | None = None) -> Subscription:
    """A new shop's trial (called by signup and by 'open another shop'). Idempotent per shop."""
    now = _now(now)
    plan = _trial_plan(plan_code or settings.BILLING_DEFAULT_PLAN)
    with transaction.atomic():
        existing = Subscription.objects.filter(shop=shop).first()
        if existing:
            return existing
        trial_end = now + timedelta(days=plan.trial_days)
        subscription = Subscription.objects.create(
            shop=shop,
            account=payer_for(shop),
            plan=plan,
            status=SubscriptionStatus.TRIALING,
            trial_end=trial_end,
            current_period_start=now,
            current_period_end=trial_end,
        )
        stripe_sync.after_commit_create(subscription)
    return subscription


def _staff_seats_used(shop: Shop) -> int:
    return ShopMembership.objects.filter(shop=shop).count()


def _products_used(shop: Shop) -> int:
    from shared_apps.tenancy.interface import run_in_shop
    from tenant_apps.catalog import interface as catalog

    return run_in_shop(shop, catalog.product_count)


# Every limit a plan defines: (Plan field, the shop's usage, message naming the limit and the usage). 0 = unlimited.
# A plan change is refused (400, nothing changed) when the shop uses more than any of them allows; a new limit field
# on Plan must be listed here (tests/billing/test_plans_and_subscription.py checks that every one is).
PLAN_LIMITS = (
    ("staff_seats", _staff_seats_used, gettext_noop("This plan allows %(limit)d staff seats; the shop uses %(used)d.")),
    ("max_products", _products_used, gettext_noop("This plan allows %(limit)d products; the shop has %(used)d.")),
)


def _usage_errors(shop: Shop, plan: Plan) -> dict[str, list[str]]:
    messages = []
    for field_name, usage, message in PLAN_LIMITS:
        limit = getattr(plan, field_name)
        if not limit:
            continue
        used = usage(shop)
        if used > limit:
            messages.append(_(message) % {"limit": limit, "used": used})
    return {"plan": messages} if messages else {}


def change_plan(*, shop: Shop, plan_code: str, by=None, now: datetime | None = None) -> Subscription:
    """Start or change the shop's plan. Same interval: prorated lines for the rest of the period (next invoice);
    another interval: credit for the unused time and a new period invoiced now. A trial just switches plans."""
    now = _now(now)
    plan = _plan(plan_code)
    errors = _usage_errors(shop, plan)
    if errors:
        raise Invalid(errors=errors)
    with transaction.atomic():
        subscription = Subscription.objects.select_for_update().filter(shop=shop).first()
        if subscription is None:
            subscription = start_trial(shop=shop, plan_code=plan.code, now=now)
            return subscription
        if subscription.status in (SubscriptionStatus.PAST_DUE, SubscriptionStatus.SUSPENDED):
            raise Conflict(_("Pay the open invoice before changing the plan."))
        old = subscription.plan
        if old.pk == plan.pk and subscription.status != SubscriptionStatus.CANCELED:
            if subscription.cancel_at_period_end:  # choosing the current plan again keeps it
                subscription.cancel_at_period_end = False
                subscription.save(update_fields=["cancel_at_period_end", "updated"])
                stripe_sync.after_commit_cancel_flag(subscription)
            return subscription
        change = SubscriptionChange.objects.create(
            subscription=subscription, from_plan=old, to_plan=plan, at=now, by=by
        )
        subscription.plan = plan
        subscription.cancel_at_period_end = False
        if subscription.status == SubscriptionStatus.CANCELED:
            _restart(subscription, now)
        elif subscription.status == SubscriptionStatus.ACTIVE and not stripe_sync.enabled():
            _prorate(subscription, old, plan, now)
        subscription.save()
        stripe_sync.after_commit_change(subscription, change)
    return subscription


def _restart(subscription: Subscription, now: datetime) -> None:
    subscription.status = SubscriptionStatus.ACTIVE
    subscription.canceled_at = None
    subscription.stripe_subscription_id = ""  # a canceled Stripe subscription cannot restart: a new one is made
    subscription.stripe_item_id = ""
    subscription.trial_end = None
    subscription.current_period_start = now
    subscription.current_period_end = period_after(now, subscription.plan.interval)
    if not stripe_sync.enabled():
        _subscription_line(subscription)
        _issue_pending(subscription.account, now)
    if subscription.shop.status == ShopStatus.SUSPENDED:
        _resume(subscription.shop, _("Subscription restarted."), None, BILLING, now)


def _prorate(subscription: Subscription, old: Plan, new: Plan, now: datetime) -> None:
    start, end = subscription.current_period_start, subscription.current_period_end
    remaining, total = (end - now).total_seconds(), (end - start).total_seconds()
    credit = -prorate(old.price_amount, remaining, total)
    _line(
        subscription,
        LineKind.PRORATION,
        _("Unused time on %(plan)s") % {"plan": _(old.name)},
        credit,
        now,
        end,
    )
    if old.interval == new.interval:
        charge = prorate(new.price_amount, remaining, total)
        _line(
            subscription, LineKind.PRORATION, _("Remaining time on %(plan)s") % {"plan": _(new.name)}, charge, now, end
        )
        return
    subscription.current_period_start = now
    subscription.current_period_end = period_after(now, new.interval)
    _subscription_line(subscription)
    _issue_pending(subscription.account, now)


def set_cancel_at_period_end(*, shop: Shop, cancel: bool, now: datetime | None = None) -> Subscription:
    with transaction.atomic():
        subscription = Subscription.objects.select_for_update().filter(shop=shop).first()
        if subscription is None:
            raise NotFound(_("This shop has no subscription."))
        if subscription.status == SubscriptionStatus.CANCELED:
            raise Conflict(_("The subscription is already canceled."))
        subscription.cancel_at_period_end = cancel
        subscription.save(update_fields=["cancel_at_period_end", "updated"])
        stripe_sync.after_commit_cancel_flag(subscription)
    return subscription


# --- lines and invoices --------------------------------------------------------------------------------------------


def _line(subscription, kind, description, amount, start, end) -> InvoiceLine:
    return InvoiceLine.objects.create(
        account=subscription.account,
        shop=subscription.shop,
        kind=kind,
        description=description[:300],
        amount=amount,
        currency=subscription.plan.currency,
        period_start=start,
        period_end=end,
    )


def _subscription_line(subscription: Subscription) -> InvoiceLine:
    plan = subscription.plan
    text = _("%(plan)s (%(interval)s) for %(shop)s") % {
        "plan": _(plan.name),
        "interval": plan.get_interval_display(),
        "shop": subscription.shop.name,
    }
    return _line(
        subscription,
        LineKind.SUBSCRIPTION,
        text,
        plan.price_amount,
        subscription.current_period_start,
        subscription.current_period_end,
    )


def _fee_line(shop: Shop, account: BillingAccount, before: datetime) -> InvoiceLine | None:
    """One technical_fee line for the shop's billable ledger entries up to `before` (Stripe-collected ones excluded)."""
    entries = FeeEntry.objects.filter(
        shop=shop, invoice_line__isnull=True, collected_by_stripe=False, occurred_at__lt=before
    )
    totals = entries.aggregate(fee=Sum("fee_amount"), gmv=Sum("gmv_amount"))
    if totals["fee"] is None:
        return None
    first = entries.order_by("occurred_at").values_list("occurred_at", flat=True).first()
    line = InvoiceLine.objects.create(
        account=account,
        shop=shop,
        kind=LineKind.TECHNICAL_FEE,
        description=_("Technical fee on GMV %(gmv)s for %(shop)s")
        % {"gmv": yuan(totals["gmv"], shop.currency), "shop": shop.name},
        amount=totals["fee"],
        currency=shop.currency,
        period_start=first,
        period_end=before,
    )
    entries.update(invoice_line=line)
    return line


def _issue_pending(account: BillingAccount, now: datetime) -> Invoice | None:
    """One invoice for everything the account has pending, lines numbered 1..n (offline mode)."""
    lines = list(InvoiceLine.objects.select_for_update().filter(account=account, invoice__isnull=True).order_by("id"))
    total = sum(line.amount for line in lines)
    if not lines or total < 0:
        return None  # a credit (a month of more refunds than sales) stays pending: the next invoice nets it
    starts = [line.period_start or now for line in lines]
    ends = [line.period_end or now for line in lines]
    invoice = Invoice.objects.create(
        account=account,
        period_start=timezone.localdate(min(starts)),
        period_end=timezone.localdate(max(ends)),
        currency=lines[0].currency,
        total_amount=total,
        issued_at=now,
        due_at=now + timedelta(days=settings.BILLING_INVOICE_DUE_DAYS),
        status=InvoiceStatus.PAID if total == 0 else InvoiceStatus.OPEN,
        paid_at=now if total == 0 else None,
    )
    invoice.number = f"MM{timezone.localtime(now):%Y%m}-{invoice.pk:06d}"
    invoice.save(update_fields=["number"])
    for position, line in enumerate(lines, start=1):
        line.invoice, line.position = invoice, position
    InvoiceLine.objects.bulk_update(lines, ["invoice", "position"])
    return invoice


@dataclass
class BillingRun:
    renewed: list[int] = field(default_factory=list)
    canceled: list[int] = field(default_factory=list)
    invoices: list[int] = field(default_factory=list)
    failed_invoices: list[int] = field(default_factory=list)
    suspended: list[int] = field(default_factory=list)


def run_billing(*, now: datetime | None = None) -> BillingRun:
    """The hourly beat job (public schema only): renewals, monthly fee lines, invoices, dunning.

    Each subscription and each account is its own short transaction; running twice changes nothing more."""
    now = _now(now)
    run = BillingRun()
    due = Subscription.objects.filter(
        status__in=[SubscriptionStatus.TRIALING, SubscriptionStatus.ACTIVE, SubscriptionStatus.PAST_DUE],
        current_period_end__lte=now,
    ).values_list("pk", flat=True)
    for subscription_id in list(due):
        outcome = renew(subscription_id=subscription_id, now=now)
        (run.canceled if outcome == "canceled" else run.renewed).append(subscription_id)
    if not stripe_sync.enabled():
        month_start = timezone.localtime(now).replace(day=1, hour=0, minute=0, second=0, microsecond=0)
        shops = FeeEntry.objects.filter(
            invoice_line__isnull=True, collected_by_stripe=False, occurred_at__lt=month_start
        ).values_list("shop_id", flat=True)
        for shop in Shop.objects.filter(pk__in=set(shops)):
            with transaction.atomic():
                _fee_line(shop, payer_for(shop), month_start)
        pending = InvoiceLine.objects.filter(invoice__isnull=True).values_list("account_id", flat=True)
        for account in BillingAccount.objects.filter(pk__in=set(pending)):
            with transaction.atomic():
                invoice = _issue_pending(account, now)
            if invoice:
                run.invoices.append(invoice.pk)
        overdue = Invoice.objects.filter(status=InvoiceStatus.OPEN, payment_failed_at__isnull=True, due_at__lte=now)
        for invoice_id in list(overdue.values_list("pk", flat=True)):
            record_payment_failure(invoice_id=invoice_id, now=now)
            run.failed_invoices.append(invoice_id)
    else:
        stripe_sync.push_fee_lines(now=now)
    run.suspended = apply_dunning(now=now)
    return run


def renew(*, subscription_id: int, now: datetime | None = None) -> str:
    """Close the period that ended: cancel (cancel_at_period_end) or start the next one with its lines."""
    now = _now(now)
    with transaction.atomic():
        subscription = Subscription.objects.select_for_update().select_related("plan", "shop").get(pk=subscription_id)
        if subscription.current_period_end > now or subscription.status in (
            SubscriptionStatus.CANCELED,
            SubscriptionStatus.SUSPENDED,
        ):
            return "not_due"
        if subscription.cancel_at_period_end:
            subscription.status = SubscriptionStatus.CANCELED
            subscription.canceled_at = subscription.current_period_end
            if stripe_sync.is_consolidated(subscription) and subscription.stripe_item_id:
                # a client shop's item leaves the agency's subscription (the others go on being billed)
                stripe_sync.after_commit_leave(
                    subscription.stripe_subscription_id,
                    subscription.stripe_item_id,
                    key=f"subscription-{subscription.pk}-cancel-{subscription.stripe_item_id}",
                )
                subscription.stripe_subscription_id, subscription.stripe_item_id = "", ""
            subscription.save()
            _suspend(subscription.shop, _("Subscription canceled."), None, BILLING, now)
            return "canceled"
        if stripe_sync.enabled():  # Stripe runs the cycle; its webhooks move the period
            if not (stripe_sync.is_consolidated(subscription) and not subscription.stripe_item_id):
                return "stripe"
            # an agency client shop's trial ran here: it now joins the agency's consolidated Stripe subscription
            subscription.status = SubscriptionStatus.ACTIVE
            subscription.current_period_start = subscription.current_period_end
            subscription.current_period_end = period_after(
                subscription.current_period_start, subscription.plan.interval
            )
            subscription.save()
            stripe_sync.after_commit_join(subscription)
            return "renewed"
        start = subscription.current_period_end
        subscription.current_period_start = start
        subscription.current_period_end = period_after(start, subscription.plan.interval)
        if subscription.status == SubscriptionStatus.TRIALING:
            subscription.status = SubscriptionStatus.ACTIVE
        subscription.save()
        _subscription_line(subscription)
        _fee_line(subscription.shop, subscription.account, now)
    return "renewed"


def mark_invoice_paid(*, invoice_id: int, by=None, now: datetime | None = None) -> Invoice:
    """Offline: the operator saw the money arrive. Stripe: invoice.paid. Past-due shops of the account recover."""
    now = _now(now)
    with transaction.atomic():
        invoice = Invoice.objects.select_for_update().filter(pk=invoice_id).first()
        if invoice is None:
            raise NotFound(_("No such invoice."))
        if invoice.status == InvoiceStatus.PAID:
            return invoice
        if invoice.status == InvoiceStatus.VOID:
            raise Conflict(_("A void invoice cannot be paid."))
        invoice.status, invoice.paid_at, invoice.marked_paid_by = InvoiceStatus.PAID, now, by
        invoice.save(update_fields=["status", "paid_at", "marked_paid_by"])
        _recover(invoice.account, now)
    return invoice


def _recover(account: BillingAccount, now: datetime) -> None:
    if Invoice.objects.filter(account=account, status=InvoiceStatus.OPEN, payment_failed_at__isnull=False).exists():
        return  # another failed invoice is still unpaid
    troubled = Subscription.objects.select_for_update().filter(
        account=account, status__in=[SubscriptionStatus.PAST_DUE, SubscriptionStatus.SUSPENDED]
    )
    for subscription in troubled.select_related("shop", "plan"):
        was_suspended = subscription.status == SubscriptionStatus.SUSPENDED
        subscription.status, subscription.past_due_since = SubscriptionStatus.ACTIVE, None
        fields = ["status", "past_due_since", "updated"]
        if was_suspended and subscription.current_period_end <= now and not stripe_sync.enabled():
            # The shop was closed since that period ended (renewals skip suspended subscriptions): a new period
            # starts now and is billed, rather than the months it was closed, one renewal at a time.
            subscription.current_period_start = now
            subscription.current_period_end = period_after(now, subscription.plan.interval)
            fields += ["current_period_start", "current_period_end"]
            subscription.save(update_fields=fields)
            _subscription_line(subscription)
        else:
            subscription.save(update_fields=fields)
        if was_suspended:
            _resume(subscription.shop, _("Invoice paid."), None, BILLING, now)


def record_payment_failure(*, invoice_id: int, now: datetime | None = None) -> Invoice:
    """A charge was declined (Stripe) or an offline invoice passed its due date: the account's shops go past_due."""
    now = _now(now)
    with transaction.atomic():
        invoice = Invoice.objects.select_for_update().get(pk=invoice_id)
        if invoice.status != InvoiceStatus.OPEN:
            return invoice
        invoice.attempt_count += 1
        invoice.payment_failed_at = invoice.payment_failed_at or now
        invoice.save(update_fields=["attempt_count", "payment_failed_at"])
        shops = invoice.lines.values_list("shop_id", flat=True)
        Subscription.objects.filter(
            account=invoice.account,
            shop_id__in=set(shops),
            status__in=[SubscriptionStatus.ACTIVE, SubscriptionStatus.TRIALING],
        ).update(status=SubscriptionStatus.PAST_DUE, past_due_since=now, updated=now)
    return invoice


def apply_dunning(*, now: datetime | None = None) -> list[int]:
    """past_due for longer than BILLING_GRACE_DAYS -> suspended, and the shop closes (storefront page, API 423)."""
    now = _now(now)
    cutoff = now - timedelta(days=settings.BILLING_GRACE_DAYS)
    suspended = []
    overdue = Subscription.objects.filter(status=SubscriptionStatus.PAST_DUE, past_due_since__lte=cutoff)
    for subscription_id in list(overdue.values_list("pk", flat=True)):
        with transaction.atomic():
            subscription = Subscription.objects.select_for_update().select_related("shop").get(pk=subscription_id)
            if subscription.status != SubscriptionStatus.PAST_DUE:
                continue
            subscription.status = SubscriptionStatus.SUSPENDED
            subscription.save(update_fields=["status", "updated"])
            _suspend(subscription.shop, _("Unpaid invoice after the grace period."), None, BILLING, now)
            suspended.append(subscription.shop_id)
    return suspended


# --- suspend / resume (operator and billing), audited --------------------------------------------------------------


def _suspend(shop: Shop, reason: str, by, source: str, now: datetime) -> None:
    ShopStatusChange.objects.create(shop=shop, action="suspend", source=source, reason=reason, by=by, at=now)
    if shop.status != ShopStatus.SUSPENDED:
        set_status(shop=shop, status=ShopStatus.SUSPENDED)


def _resume(shop: Shop, reason: str, by, source: str, now: datetime) -> None:
    """Billing lifts only its own suspension; an operator's suspension stays until an operator resumes."""
    last = ShopStatusChange.objects.filter(shop=shop, action="suspend").first()
    if source == BILLING and last is not None and last.source == OPERATOR:
        return
    ShopStatusChange.objects.create(shop=shop, action="resume", source=source, reason=reason, by=by, at=now)
    if shop.status == ShopStatus.SUSPENDED:
        set_status(shop=shop, status=ShopStatus.ACTIVE)


def suspend_shop(*, shop_id: int, reason: str, by, now: datetime | None = None) -> Shop:
    reason = (reason or "").strip()
    if not reason:
        raise Invalid(errors={"reason": [_("Give a reason.")]})
    with transaction.atomic():
        shop = Shop.objects.select_for_update().filter(pk=shop_id).first()
        if shop is None:
            raise NotFound(_("No such shop."))
        last = ShopStatusChange.objects.filter(shop=shop, action="suspend").first()
        if shop.status == ShopStatus.SUSPENDED and (last is None or last.source == OPERATOR):
            raise Conflict(_("The shop is already suspended."))
        _suspend(shop, reason[:300], by, OPERATOR, _now(now))  # also over billing's: then a payment keeps it closed
    return shop


def resume_shop(*, shop_id: int, reason: str, by, now: datetime | None = None) -> Shop:
    reason = (reason or "").strip()
    if not reason:
        raise Invalid(errors={"reason": [_("Give a reason.")]})
    with transaction.atomic():
        shop = Shop.objects.select_for_update().filter(pk=shop_id).first()
        if shop is None:
            raise NotFound(_("No such shop."))
        if shop.status != ShopStatus.SUSPENDED:
            raise Conflict(_("The shop is not suspended."))
        if Subscription.objects.filter(shop=shop, status=SubscriptionStatus.SUSPENDED).exists():
            raise Conflict(_("The shop is suspended for an unpaid invoice; mark the invoice paid instead."))
        _resume(shop, reason[:300], by, OPERATOR, _now(now))
    return shop


# --- technical-fee ledger ------------------------------------------------------------------------------------------


def _event_time(name: str, payload: dict, fallback: datetime) -> datetime:
    """When the order was paid (order.paid) or the refund happened, from the payload; a late delivery (after a month
    end) still counts in the month of the payment. Missing or unreadable: the delivery time."""
    for key in ("paid_at", "occurred_at") if name == "order.paid" else ("occurred_at",):
        value = payload.get(key)
        parsed = parse_datetime(value) if isinstance(value, str) else None
        if parsed is not None:
            return parsed if timezone.is_aware(parsed) else timezone.make_aware(parsed)
    return fallback


def _rate_at(shop: Shop, at: datetime) -> int:
    """The technical fee rate of the plan the shop was on at `at` (a plan change after it does not re-rate it)."""
    subscription = Subscription.objects.filter(shop=shop).select_related("plan").first()
    if subscription is None:  # a shop without a subscription pays the default plan's rate
        return _trial_plan(settings.BILLING_DEFAULT_PLAN).technical_fee_bps
    later = SubscriptionChange.objects.filter(subscription=subscription, at__gt=at).select_related("from_plan")
    change = later.order_by("at", "id").first()
    return (change.from_plan if change else subscription.plan).technical_fee_bps


def _order_id(payload: dict) -> int | None:
    value = payload.get("order_id")
    return value if isinstance(value, int) and not isinstance(value, bool) and value > 0 else None


def record_order_event(
    *, shop: Shop, event_id: uuid.UUID, name: str, payload: dict, now: datetime | None = None
) -> FeeEntry | None:
    """order.paid adds the order's total to GMV, order.refunded subtracts the refund; fee = amount x plan bps.

    Dated when the order was paid (payload `paid_at`) or refunded (`occurred_at`), not when delivered. An event
    without an order id (a partial test event) is skipped. Runs in the events door's transaction (idempotent by event
    id there, and by the unique event_id here)."""
    order_id = _order_id(payload)
    if name not in ("order.paid", "order.refunded") or order_id is None:
        return None
    existing = FeeEntry.objects.filter(event_id=event_id).first()
    if existing is not None:
        return existing
    gmv = int(payload.get("total_amount") or 0) if name == "order.paid" else -int(payload.get("refund_amount") or 0)
    occurred = _event_time(name, payload, _now(now))
    bps = _rate_at(shop, occurred)
    paid = FeeEntry.objects.filter(shop=shop, order_id=order_id, event_name="order.paid").first()
    if name == "order.refunded" and paid is not None:
        bps = paid.technical_fee_bps  # a refund reverses the fee at the rate the order paid
    stripe = payload.get("gateway") == "stripe"
    fee = fee_amount(gmv, bps)
    if stripe and name == "order.paid" and payload.get("application_fee_amount") is not None:
        fee = int(payload["application_fee_amount"])  # what Stripe actually kept for us
    entry, _created = FeeEntry.objects.get_or_create(
        event_id=event_id,
        defaults={
            "shop": shop,
            "event_name": name,
            "order_id": order_id,
            "order_number": str(payload.get("order_number") or "")[:40],
            "gmv_amount": gmv,
            "technical_fee_bps": bps,
            "fee_amount": fee,
            "currency": payload.get("currency") or shop.currency,
            "gateway": str(payload.get("gateway") or "")[:20],
            "collected_by_stripe": stripe,
            "occurred_at": occurred,
        },
    )
    return entry


def move_billing_to_shop(*, shop: Shop, email: str = "", now: datetime | None = None) -> BillingTransfer | None:
    """The shop's subscription (and its pending lines) are paid by the shop's own account from now on.

    Both modes move the same state (account, status, period, pending lines); a BillingTransfer row records it. In
    Stripe mode, after commit, the shop's item leaves the agency's consolidated subscription (no proration: the agency
    paid the current period) and a subscription starts on the client's own customer, first charged when the period
    the agency paid for ends."""
    now = _now(now)
    with transaction.atomic():
        account = account_for_shop(shop)
        if email and account.email != email:
            account.email = email
            account.save(update_fields=["email"])
        subscription = Subscription.objects.select_for_update().filter(shop=shop).first()
        InvoiceLine.objects.filter(shop=shop, invoice__isnull=True).update(account=account)
        if subscription is None or subscription.account_id == account.pk:
            return None
        transfer = BillingTransfer.objects.create(
            subscription=subscription,
            from_account_id=subscription.account_id,
            to_account=account,
            from_stripe_subscription_id=subscription.stripe_subscription_id,
            from_stripe_item_id=subscription.stripe_item_id,
            at=now,
        )
        subscription.account = account
        subscription.stripe_subscription_id, subscription.stripe_item_id, subscription.stripe_state_at = "", "", 0
        subscription.save(
            update_fields=["account", "stripe_subscription_id", "stripe_item_id", "stripe_state_at", "updated"]
        )
        stripe_sync.after_commit_transfer(transfer)
    return transfer
