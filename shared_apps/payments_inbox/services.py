"""The intake for Stripe Connect webhooks of shop payments: verify, store, deduplicate, route, apply.

Routing: the event's connected `account` must belong to a shop (Shop.stripe_account_id), and when the object
carries `metadata.shop` (we set it on every PaymentIntent) it must name that same shop. The shop's own code
(tenant_apps.orders.interface) then applies it inside the shop's schema. Suspended shops still get their events:
routing reads Shop rows, not the shop's host.
"""

import logging

import stripe
from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from micromall.errors import ApplicationError, Invalid
from shared_apps.tenancy.interface import Shop, run_in_shop
from tenant_apps.orders.interface import handle_stripe_event

from .models import EventStatus, StripeConnectEvent

log = logging.getLogger(__name__)


def verify(*, payload: bytes, signature: str | None) -> dict:
    """The event, if `signature` proves Stripe sent `payload` (STRIPE_CONNECT_WEBHOOK_SECRET); else Invalid."""
    secret = settings.STRIPE_CONNECT_WEBHOOK_SECRET
    if not secret:
        raise Invalid(_("Stripe webhooks are not configured."))
    try:
        event = stripe.Webhook.construct_event(payload, signature or "", secret)
    except (ValueError, stripe.SignatureVerificationError):
        raise Invalid(_("Invalid Stripe signature.")) from None
    return event.to_dict()


def route(event: dict) -> Shop | None:
    account = event.get("account") or ""
    if not account:
        return None
    shop = Shop.objects.filter(stripe_account_id=account).first()
    metadata = ((event.get("data") or {}).get("object") or {}).get("metadata") or {}
    named = metadata.get("shop")
    if shop is not None and named and named != shop.schema_name:
        log.error("stripe: event %s names shop %s but account %s is %s", event.get("id"), named, account, shop)
        return None
    return shop


def receive(*, payload: bytes, signature: str | None) -> StripeConnectEvent:
    """Verify and apply one webhook delivery; a replay of a processed event does nothing."""
    event = verify(payload=payload, signature=signature)
    row, _created = StripeConnectEvent.objects.get_or_create(
        event_id=event["id"],
        defaults={"type": event.get("type", ""), "account": event.get("account") or "", "payload": event},
    )
    return process(event_id=row.event_id)


class ProcessingFailed(ApplicationError):
    """The shop could not apply the event now; Stripe redelivers it (any non-2xx answer)."""

    status = 503


def process(*, event_id: str) -> StripeConnectEvent:
    """Apply a stored event once: the row lock serialises concurrent deliveries of the same event."""
    try:
        with transaction.atomic():
            row = StripeConnectEvent.objects.select_for_update().get(event_id=event_id)
            if row.status in (EventStatus.PROCESSED, EventStatus.UNROUTED):
                return row
            row.attempts += 1
            shop = route(row.payload)
            if shop is None:
                row.status = EventStatus.UNROUTED
                row.save(update_fields=["status", "attempts"])
                return row
            data_object = (row.payload.get("data") or {}).get("object") or {}
            outcome = run_in_shop(shop, lambda: handle_stripe_event(event_type=row.type, data_object=data_object))
            row.status, row.outcome, row.shop_schema = EventStatus.PROCESSED, outcome, shop.schema_name
            row.processed_at = timezone.now()
            row.save(update_fields=["status", "outcome", "shop_schema", "attempts", "processed_at"])
            return row
    except Exception as exc:
        log.exception("stripe: event %s could not be applied", event_id)
        StripeConnectEvent.objects.filter(event_id=event_id).update(
            status=EventStatus.FAILED, attempts=F("attempts") + 1, last_error=repr(exc)[:2000]
        )
        raise ProcessingFailed(_("The event could not be applied now; it will be retried.")) from None
