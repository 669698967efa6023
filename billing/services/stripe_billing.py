"""Stripe Billing (only when STRIPE_SECRET_KEY is set): customers, prices, subscriptions, technical-fee invoice items,
and the webhook events that drive our subscriptions and invoices.

Pinned API version; every POST carries an idempotency key derived from our own rows (billing account, plan,
subscription, plan change, invoice line), so a retried call is never a second object. Stripe runs the
subscription cycle (trial end, renewals, prorations, charging); its events move the same state machine as offline
mode: past_due on a failed charge, suspended after the grace days (our dunning), active again when paid.
"""

from __future__ import annotations

import os
from datetime import UTC, datetime

import stripe
from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

STRIPE_API_VERSION = "2026-10-28.endive"  # pinned (the SDK's own); override with STRIPE_API_VERSION


def _setting(name: str, default: str = "") -> str:
    # STRIPE_SECRET_KEY / STRIPE_API_BASE / STRIPE_API_VERSION are shared with shop payments' settings block.
    return getattr(settings, name, None) or os.environ.get(name, default)


def enabled() -> bool:
    return bool(_setting("STRIPE_SECRET_KEY"))


def client() -> stripe.StripeClient:
    base = _setting("STRIPE_API_BASE")
    return stripe.StripeClient(
        _setting("STRIPE_SECRET_KEY"),
        stripe_version=_setting("STRIPE_API_VERSION", STRIPE_API_VERSION),
        base_addresses={"api": base} if base else None,
        max_network_retries=2,  # retries resend the same idempotency key
    )


def _ts(value: datetime) -> int:
    return int(value.timestamp())


def _dt(value: int | None) -> datetime | None:
    return datetime.fromtimestamp(int(value), tz=UTC) if value else None


# --- after-commit hooks called by services ------------------------------------------------------------------------


def _enqueue(task_name: str, *args) -> None:
    if not enabled():
        return
    from .. import tasks

    task = getattr(tasks, task_name)
    transaction.on_commit(lambda: task.delay(*args), robust=True)


def is_consolidated(subscription) -> bool:
    """An agency's client shop: billed as an item of the agency's one Stripe subscription, not on its own."""
    return bool(subscription.account.agency_id)


def after_commit_create(subscription) -> None:
    if is_consolidated(subscription):
        return  # the trial runs here; the shop joins the agency's subscription when it ends (services.renew)
    _enqueue("stripe_sync_subscription", subscription.pk)


def after_commit_change(subscription, change) -> None:
    _enqueue("stripe_apply_change", change.pk)


def after_commit_cancel_flag(subscription) -> None:
    if is_consolidated(subscription):
        return  # ours alone: at the period end the shop's item leaves the agency's subscription (services.renew)
    _enqueue("stripe_sync_cancel_flag", subscription.pk)


def after_commit_join(subscription) -> None:
    _enqueue("stripe_join_consolidated", subscription.pk)


def after_commit_leave(stripe_subscription_id: str, item_id: str, *, key: str) -> None:
    _enqueue("stripe_leave_consolidated", stripe_subscription_id, item_id, key)


def after_commit_transfer(transfer) -> None:
    _enqueue("stripe_apply_transfer", transfer.pk)


# --- outbound ------------------------------------------------------------------------------------------------------


def ensure_customer(account) -> str:
    if account.stripe_customer_id:
        return account.stripe_customer_id
    customer = client().v1.customers.create(
        params={
            "email": account.email or None,
            "name": str(account)[:256],
            "metadata": {"billing_account_id": str(account.pk)},
        },
        options={"idempotency_key": f"billing-account-{account.pk}-customer"},
    )
    type(account).objects.filter(pk=account.pk).update(stripe_customer_id=customer.id)
    account.stripe_customer_id = customer.id
    return customer.id


def ensure_price(plan) -> str:
    if plan.stripe_price_id:
        return plan.stripe_price_id
    stripe_client = client()
    product = stripe_client.v1.products.create(
        params={"name": f"Micromall {plan.name}", "metadata": {"plan": plan.code}},
        options={"idempotency_key": f"plan-{plan.code}-product"},
    )
    price = stripe_client.v1.prices.create(
        params={
            "product": product.id,
            "currency": plan.currency.lower(),
            "unit_amount": plan.price_amount,
            "recurring": {"interval": plan.interval},
            "metadata": {"plan": plan.code},
        },
        options={"idempotency_key": f"plan-{plan.code}-price-{plan.price_amount}"},
    )
    type(plan).objects.filter(pk=plan.pk).update(stripe_price_id=price.id)
    plan.stripe_price_id = price.id
    return price.id


def sync_subscription(*, subscription_id: int, key_suffix: str = "create") -> None:
    """Create the Stripe subscription for ours (trial included) if it does not exist yet."""
    from ..models import Subscription, SubscriptionStatus

    subscription = Subscription.objects.select_related("plan", "account", "shop").get(pk=subscription_id)
    if subscription.stripe_subscription_id and key_suffix == "create":
        return
    params: dict = {
        "customer": ensure_customer(subscription.account),
        "items": [{"price": ensure_price(subscription.plan)}],
        "metadata": {"subscription_id": str(subscription.pk), "shop_id": str(subscription.shop_id)},
    }
    if subscription.status == SubscriptionStatus.TRIALING and subscription.trial_end:
        params["trial_end"] = _ts(subscription.trial_end)
    created = client().v1.subscriptions.create(
        params=params, options={"idempotency_key": f"subscription-{subscription.pk}-{key_suffix}"}
    )
    Subscription.objects.filter(pk=subscription.pk).update(
        stripe_subscription_id=created.id, stripe_item_id=created["items"].data[0].id
    )


def apply_change(*, change_id: int) -> None:
    """Our plan change on Stripe: swap the item's price with prorations (or a new subscription after a cancel).
    An agency client shop's item moves to the agency's subscription of the new interval when the interval changes."""
    from ..models import Subscription, SubscriptionChange, SubscriptionStatus

    change = SubscriptionChange.objects.select_related(
        "subscription__plan", "subscription__account", "from_plan", "to_plan"
    ).get(pk=change_id)
    subscription = change.subscription
    if is_consolidated(subscription):
        if subscription.stripe_item_id and change.from_plan.interval != change.to_plan.interval:
            leave_consolidated(
                subscription.stripe_subscription_id,
                subscription.stripe_item_id,
                key=f"subscription-change-{change.pk}-leave",
                exclude=subscription.pk,
                proration="create_prorations",
            )
            Subscription.objects.filter(pk=subscription.pk).update(stripe_subscription_id="", stripe_item_id="")
            subscription.stripe_item_id = ""
        if not subscription.stripe_item_id:
            if subscription.status != SubscriptionStatus.TRIALING:  # a trial switches plans here alone
                join_consolidated(subscription_id=subscription.pk)
            return
    if not subscription.stripe_subscription_id:  # never synced, or restarted after a cancel
        sync_subscription(subscription_id=subscription.pk, key_suffix=f"change-{change.pk}")
        return
    client().v1.subscriptions.update(
        subscription.stripe_subscription_id,
        params={
            "items": [{"id": subscription.stripe_item_id, "price": ensure_price(change.to_plan)}],
            "proration_behavior": "create_prorations",
            "cancel_at_period_end": False,
        },
        options={"idempotency_key": f"subscription-change-{change.pk}"},
    )


def sync_cancel_flag(*, subscription_id: int) -> None:
    from ..models import Subscription

    subscription = Subscription.objects.get(pk=subscription_id)
    if not subscription.stripe_subscription_id:
        return
    flag = subscription.cancel_at_period_end
    client().v1.subscriptions.update(
        subscription.stripe_subscription_id,
        params={"cancel_at_period_end": flag},
        options={"idempotency_key": f"subscription-{subscription.pk}-cancel-{int(flag)}-{_ts(subscription.updated)}"},
    )


# --- agencies: one consolidated Stripe subscription (per interval), a client shop = one item ------------------------


def _as_dict(obj) -> dict:
    return obj.to_dict() if hasattr(obj, "to_dict") else dict(obj)


def join_consolidated(*, subscription_id: int) -> None:
    """Put an agency client shop on the agency's consolidated Stripe subscription of its plan's interval: created
    with this shop's item if the agency has none yet (charged now), else the item is added with prorations (on the
    agency's next invoice). Serialised on the agency's row, so concurrent joins make one Stripe subscription."""
    from ..models import ConsolidatedSubscription, Subscription, SubscriptionStatus

    with transaction.atomic():
        subscription = (
            Subscription.objects.select_for_update().select_related("plan", "account", "shop").get(pk=subscription_id)
        )
        if subscription.stripe_item_id or subscription.status == SubscriptionStatus.CANCELED:
            return
        if not is_consolidated(subscription):
            sync_subscription(subscription_id=subscription.pk)
            return
        account, plan = subscription.account, subscription.plan
        ConsolidatedSubscription.objects.get_or_create(account=account, interval=plan.interval)
        group = ConsolidatedSubscription.objects.select_for_update().get(account=account, interval=plan.interval)
        item = {
            "price": ensure_price(plan),
            "metadata": {"subscription_id": str(subscription.pk), "shop_id": str(subscription.shop_id)},
        }
        if not group.stripe_subscription_id:
            stripe_subscription = client().v1.subscriptions.create(
                params={
                    "customer": ensure_customer(account),
                    "items": [item],
                    "metadata": {"billing_account_id": str(account.pk), "consolidated_id": str(group.pk)},
                },
                # keyed by the group and the joining shop's period: a retry replays it, while a group whose last
                # item left (its subscription cancelled) gets a new subscription under a new key
                options={
                    "idempotency_key": f"consolidated-{group.pk}-create-{subscription.pk}-"
                    f"{_ts(subscription.current_period_start)}"
                },
            )
            group.stripe_subscription_id = stripe_subscription.id
            group.save(update_fields=["stripe_subscription_id"])
        else:
            stripe_subscription = client().v1.subscriptions.update(
                group.stripe_subscription_id,
                params={"items": [item], "proration_behavior": "create_prorations"},
                options={
                    "idempotency_key": f"subscription-{subscription.pk}-join-{group.pk}-"
                    f"{_ts(subscription.current_period_start)}"
                },
            )
        data = _as_dict(stripe_subscription)
        mine = next(
            i for i in data["items"]["data"] if (i.get("metadata") or {}).get("subscription_id") == str(subscription.pk)
        )
        start, end = (
            mine.get("current_period_start") or data.get("current_period_start"),
            mine.get("current_period_end") or data.get("current_period_end"),
        )
        subscription.stripe_subscription_id, subscription.stripe_item_id = data["id"], mine["id"]
        if start and end:
            subscription.current_period_start, subscription.current_period_end = _dt(start), _dt(end)
        subscription.save()


def leave_consolidated(
    stripe_subscription_id: str, item_id: str, *, key: str, exclude: int | None = None, proration: str = "none"
) -> None:
    """A shop's item leaves a Stripe subscription: without proration after a hand-over or at the period end (the
    period was paid), with a credit for the unused time when the shop moves to another interval. The last one to
    leave cancels the subscription (Stripe keeps at least one item); the agency's next shop creates a new one."""
    from ..models import ConsolidatedSubscription, Subscription

    if not (stripe_subscription_id and item_id):
        return
    others = Subscription.objects.filter(stripe_subscription_id=stripe_subscription_id).exclude(pk=exclude)
    if others.exists():
        client().v1.subscriptions.update(
            stripe_subscription_id,
            params={"items": [{"id": item_id, "deleted": True}], "proration_behavior": proration},
            options={"idempotency_key": key},
        )
        return
    stripe_client = client()
    if stripe_client.v1.subscriptions.retrieve(stripe_subscription_id).status != "canceled":
        stripe_client.v1.subscriptions.cancel(stripe_subscription_id)
    ConsolidatedSubscription.objects.filter(stripe_subscription_id=stripe_subscription_id).update(
        stripe_subscription_id=""
    )


def apply_transfer(*, transfer_id: int) -> None:
    """A handed-over shop on Stripe: its item leaves the agency's subscription, and a subscription starts on the
    client's own customer, its first charge when the period the agency paid for ends (a trial until then)."""
    from ..models import BillingTransfer, Subscription, SubscriptionStatus

    transfer = BillingTransfer.objects.select_related("subscription__plan", "to_account").get(pk=transfer_id)
    leave_consolidated(
        transfer.from_stripe_subscription_id,
        transfer.from_stripe_item_id,
        key=f"transfer-{transfer.pk}-leave",
        exclude=transfer.subscription_id,
    )
    with transaction.atomic():
        subscription = Subscription.objects.select_for_update().select_related("plan").get(pk=transfer.subscription_id)
        if (
            subscription.stripe_subscription_id
            or subscription.status == SubscriptionStatus.CANCELED
            or subscription.account_id != transfer.to_account_id
        ):
            return
        metadata = {
            "subscription_id": str(subscription.pk),
            "shop_id": str(subscription.shop_id),
            "transfer_id": str(transfer.pk),
        }
        params: dict = {"customer": ensure_customer(transfer.to_account), "metadata": metadata}
        paid_through = subscription.current_period_end
        if paid_through > transfer.at:
            params["trial_end"] = _ts(paid_through)
            if subscription.status != SubscriptionStatus.TRIALING:
                metadata["paid_through"] = "1"  # Stripe says trialing: for us the shop is active, already paid
        params["items"] = [{"price": ensure_price(subscription.plan)}]
        created = client().v1.subscriptions.create(
            params=params, options={"idempotency_key": f"transfer-{transfer.pk}-subscription"}
        )
        subscription.stripe_subscription_id = created.id
        subscription.stripe_item_id = created["items"].data[0].id
        subscription.save(update_fields=["stripe_subscription_id", "stripe_item_id", "updated"])


def push_fee_lines(*, now: datetime) -> list[int]:
    """Monthly technical-fee lines become invoice items on the payer's next Stripe subscription invoice."""
    from ..models import FeeEntry, InvoiceLine, LineKind, Subscription
    from . import _fee_line, payer_for

    month_start = timezone.localtime(now).replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    shops = FeeEntry.objects.filter(
        invoice_line__isnull=True, collected_by_stripe=False, occurred_at__lt=month_start
    ).values_list("shop_id", flat=True)
    from shared_apps.tenancy.models import Shop

    for shop in Shop.objects.filter(pk__in=set(shops)):
        with transaction.atomic():
            _fee_line(shop, payer_for(shop), month_start)
    pushed = []
    waiting = InvoiceLine.objects.filter(
        kind=LineKind.TECHNICAL_FEE, invoice__isnull=True, stripe_invoice_item_id=""
    ).select_related("account")
    for line in waiting:
        subscription = Subscription.objects.filter(shop_id=line.shop_id).first()
        item = client().v1.invoice_items.create(
            params={
                "customer": ensure_customer(line.account),
                "amount": line.amount,
                "currency": line.currency.lower(),
                "description": line.description,
                "subscription": (subscription.stripe_subscription_id if subscription else None) or None,
                "metadata": {"kind": "technical_fee", "line_id": str(line.pk), "shop_id": str(line.shop_id)},
            },
            options={"idempotency_key": f"invoice-line-{line.pk}"},
        )
        InvoiceLine.objects.filter(pk=line.pk).update(stripe_invoice_item_id=item.id)
        pushed.append(line.pk)
    return pushed


# --- inbound (webhooks) --------------------------------------------------------------------------------------------

SUBSCRIPTION_STATUS = {
    "trialing": "trialing",
    "active": "active",
    "past_due": "past_due",
    "unpaid": "past_due",
    "incomplete": "past_due",
    "canceled": "canceled",
    "incomplete_expired": "canceled",
}


def _period(obj: dict) -> tuple[int | None, int | None]:
    """Billing periods sit on the subscription (older API versions) or on its items (newer ones)."""
    if obj.get("current_period_end"):
        return obj.get("current_period_start"), obj.get("current_period_end")
    items = (obj.get("items") or {}).get("data") or [{}]
    return items[0].get("current_period_start"), items[0].get("current_period_end")


def _invoice_subscription(obj: dict) -> str | None:
    if isinstance(obj.get("subscription"), str):
        return obj["subscription"]
    details = (obj.get("parent") or {}).get("subscription_details") or {}
    return details.get("subscription")


def _line_item_id(line: dict) -> str | None:
    if isinstance(line.get("subscription_item"), str):
        return line["subscription_item"]
    parent = line.get("parent") or {}
    for key in ("subscription_item_details", "invoice_item_details"):
        if (parent.get(key) or {}).get("subscription_item"):
            return parent[key]["subscription_item"]
    return None


def _line_is_proration(line: dict) -> bool:
    if "proration" in line:
        return bool(line["proration"])
    parent = line.get("parent") or {}
    for key in ("subscription_item_details", "invoice_item_details"):
        if (parent.get(key) or {}).get("proration"):
            return True
    return False


def process_event(event: dict) -> str:
    """Apply one verified event; returns 'processed' or 'ignored'. Never moves a newer state back."""
    kind = event["type"]
    obj = event["data"]["object"]
    if kind.startswith("customer.subscription."):
        return _subscription_event(obj, int(event["created"]), deleted=kind.endswith(".deleted"))
    if kind in ("invoice.finalized", "invoice.paid", "invoice.payment_succeeded", "invoice.payment_failed"):
        return _invoice_event(kind, obj, int(event["created"]))
    return "ignored"


def _subscription_event(obj: dict, created: int, *, deleted: bool) -> str:
    """Apply a subscription's state to ours: every client shop on an agency's consolidated subscription (each with
    the period of its own item), or the one shop of a shop's own subscription."""
    from ..models import Subscription

    with transaction.atomic():
        subscriptions = list(
            Subscription.objects.select_for_update()
            .select_related("shop", "account")
            .filter(stripe_subscription_id=obj["id"])
            .order_by("pk")
        )
        if not subscriptions:
            local_id = (obj.get("metadata") or {}).get("subscription_id")
            subscriptions = list(
                Subscription.objects.select_for_update()
                .select_related("shop", "account")
                .filter(pk=local_id, stripe_subscription_id__in=["", obj["id"]])
                if str(local_id or "").isdigit()
                else []
            )
        applied = [_apply_subscription_state(subscription, obj, created, deleted) for subscription in subscriptions]
    return "processed" if any(applied) else "ignored"  # not ours, or older than what we already applied


def _item_period(obj: dict, item_id: str) -> tuple[int | None, int | None]:
    for item in (obj.get("items") or {}).get("data") or []:
        if item.get("id") == item_id and item.get("current_period_end"):
            return item.get("current_period_start"), item.get("current_period_end")
    return _period(obj)


def _apply_subscription_state(subscription, obj: dict, created: int, deleted: bool) -> bool:
    from ..models import SubscriptionStatus
    from . import BILLING, _recover, _suspend

    if created < subscription.stripe_state_at:
        return False
    status = "canceled" if deleted else SUBSCRIPTION_STATUS.get(obj.get("status"), subscription.status)
    if status == "trialing" and (obj.get("metadata") or {}).get("paid_through"):
        status = "active"  # a handed-over shop's new subscription waits for the end of the period already paid
    now = _dt(created) or timezone.now()
    start, end = _item_period(obj, subscription.stripe_item_id)
    subscription.stripe_subscription_id = obj["id"]
    subscription.stripe_state_at = created
    if not is_consolidated(subscription):  # the agency's subscription never ends for one shop: ours decides
        subscription.cancel_at_period_end = bool(obj.get("cancel_at_period_end"))
    if start and end:
        subscription.current_period_start, subscription.current_period_end = _dt(start), _dt(end)
    if obj.get("trial_end") and status == "trialing":
        subscription.trial_end = _dt(obj["trial_end"])
    previous = subscription.status
    if status == "past_due":
        if previous != SubscriptionStatus.SUSPENDED:  # dunning, not Stripe, decides the suspension
            subscription.status = SubscriptionStatus.PAST_DUE
            subscription.past_due_since = subscription.past_due_since or _dt(created)
    elif status == "canceled":
        subscription.status = SubscriptionStatus.CANCELED
        subscription.canceled_at = _dt(obj.get("canceled_at") or created)
    else:
        subscription.status = status
        subscription.past_due_since = None
    subscription.save()
    if status == "canceled" and previous != SubscriptionStatus.CANCELED:
        _suspend(subscription.shop, _("Subscription canceled."), None, BILLING, now)
    if status in ("active", "trialing") and previous in (SubscriptionStatus.PAST_DUE, SubscriptionStatus.SUSPENDED):
        subscription.status = previous  # let _recover lift it (and resume the shop) when nothing is unpaid
        subscription.save(update_fields=["status"])
        _recover(subscription.account, now)
    return True


INVOICE_RANK = {"draft": 0, "open": 1, "uncollectible": 1, "paid": 2, "void": 2}


def _invoice_event(kind: str, obj: dict, created: int) -> str:
    from ..models import BillingAccount, Invoice, InvoiceStatus
    from . import mark_invoice_paid, record_payment_failure

    account = BillingAccount.objects.filter(stripe_customer_id=obj.get("customer")).first()
    if account is None:
        return "ignored"
    with transaction.atomic():
        invoice = Invoice.objects.select_for_update().filter(stripe_invoice_id=obj["id"]).first()
        if invoice is None:
            invoice = _create_local_invoice(account, obj)
        local_rank = 2 if invoice.status in (InvoiceStatus.PAID, InvoiceStatus.VOID) else 1
        if INVOICE_RANK.get(obj.get("status"), 1) < local_rank or created < invoice.stripe_state_at:
            return "ignored"  # a late event about an older state of the invoice
        invoice.stripe_state_at = created
        invoice.save(update_fields=["stripe_state_at"])
    now = _dt(created) or timezone.now()
    if kind in ("invoice.paid", "invoice.payment_succeeded") or obj.get("status") == "paid":
        mark_invoice_paid(invoice_id=invoice.pk, now=now)
    elif kind == "invoice.payment_failed":
        record_payment_failure(invoice_id=invoice.pk, now=now)
    return "processed"


def _create_local_invoice(account, obj: dict):
    from ..models import Invoice, InvoiceLine, InvoiceStatus, LineKind, Subscription

    on_invoice = Subscription.objects.filter(stripe_subscription_id=_invoice_subscription(obj) or "-").order_by("pk")
    by_item = {s.stripe_item_id: s.shop_id for s in on_invoice if s.stripe_item_id}
    fallback_shop = on_invoice.values_list("shop_id", flat=True).first()
    issued = _dt(obj.get("effective_at") or obj.get("created")) or timezone.now()
    invoice = Invoice.objects.create(
        account=account,
        number=obj.get("number") or None,
        stripe_invoice_id=obj["id"],
        period_start=timezone.localdate(_dt(obj.get("period_start")) or issued),
        period_end=timezone.localdate(_dt(obj.get("period_end")) or issued),
        currency=(obj.get("currency") or "cny").upper(),
        total_amount=int(obj.get("total") or 0),
        status=InvoiceStatus.OPEN,
        issued_at=issued,
        due_at=_dt(obj.get("due_date")) or issued,
    )
    for position, line in enumerate((obj.get("lines") or {}).get("data") or [], start=1):
        metadata = line.get("metadata") or {}
        local_line_id = metadata.get("line_id")
        if metadata.get("kind") == "technical_fee" and str(local_line_id or "").isdigit():
            InvoiceLine.objects.filter(pk=local_line_id, account=account).update(invoice=invoice, position=position)
            continue
        # a consolidated invoice: each subscription line (and proration) names its item, hence its client shop
        shop_id = by_item.get(_line_item_id(line)) or metadata.get("shop_id") or fallback_shop
        if not shop_id:
            continue
        InvoiceLine.objects.create(
            invoice=invoice,
            account=account,
            shop_id=shop_id,
            position=position,
            kind=LineKind.PRORATION if _line_is_proration(line) else LineKind.SUBSCRIPTION,
            description=(line.get("description") or "")[:300],
            amount=int(line.get("amount") or 0),
            currency=(line.get("currency") or "cny").upper(),
            period_start=_dt((line.get("period") or {}).get("start")),
            period_end=_dt((line.get("period") or {}).get("end")),
        )
    return invoice


# --- stored events -------------------------------------------------------------------------------------------------


class EventFailed(Exception):
    """Applying a stored event raised; the event is kept as failed (Stripe retries, the admin can process again)."""


def receive_event(payload: dict) -> tuple[str, bool]:
    """Store a verified event once (by id) and apply it; returns (status, duplicate). A processed or ignored
    event seen again is a no-op; a failed one is tried again. Concurrent deliveries serialise on the row."""
    from ..models import StripeEvent, StripeEventStatus

    with transaction.atomic():
        stored, created = StripeEvent.objects.select_for_update().get_or_create(
            event_id=payload["id"],
            defaults={"type": payload["type"], "created": int(payload["created"]), "payload": payload},
        )
        if not created and stored.status in (StripeEventStatus.PROCESSED, StripeEventStatus.IGNORED):
            return stored.status, True
        _apply_stored(stored)
    if stored.status == StripeEventStatus.FAILED:
        raise EventFailed(stored.error)
    return stored.status, False


def _apply_stored(stored) -> None:
    from ..models import StripeEventStatus

    try:
        with transaction.atomic():
            outcome = process_event(stored.payload)
    except Exception as exc:  # kept on the row for the operator; the caller answers non-2xx so Stripe retries
        stored.status, stored.error = StripeEventStatus.FAILED, repr(exc)[:2000]
        stored.save(update_fields=["status", "error"])
        return
    stored.status = StripeEventStatus.PROCESSED if outcome == "processed" else StripeEventStatus.IGNORED
    stored.processed_at, stored.error = timezone.now(), ""
    stored.save(update_fields=["status", "processed_at", "error"])


def reprocess_failed(event_ids) -> int:
    """Admin action: apply failed events again; returns how many are no longer failed."""
    from ..models import StripeEvent, StripeEventStatus

    fixed = 0
    for pk in list(event_ids):
        with transaction.atomic():
            stored = StripeEvent.objects.select_for_update().filter(pk=pk, status=StripeEventStatus.FAILED).first()
            if stored is None:
                continue
            _apply_stored(stored)
            fixed += stored.status != StripeEventStatus.FAILED
    return fixed
