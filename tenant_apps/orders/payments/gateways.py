"""One gateway interface for every way a shopper pays: `start` is called when the shopper chooses it.

A gateway answers what happened: the money is in (`succeeded`), it will be collected on delivery (`due`), or
the shopper still has to act in the browser (`action`, with a client secret). Services own the state changes.
"""

from dataclasses import dataclass
from typing import Protocol

from django.conf import settings
from django.db import connection
from django.utils.translation import gettext as _

from micromall.errors import Invalid
from shared_apps.tenancy.interface import technical_fee_bps as plan_technical_fee_bps

from ..models import Order, Payment, PaymentMethod, Refund
from . import stripe_api

SUCCEEDED, DUE, ACTION = "succeeded", "due", "action"


@dataclass(frozen=True)
class Started:
    outcome: str
    client_secret: str = ""
    intent_id: str = ""
    application_fee_amount: int = 0


@dataclass(frozen=True)
class Refunded:
    """What the gateway did with a refund: `succeeded` (or accepted as `pending` by Stripe) or `failed`."""

    status: str
    stripe_refund_id: str = ""
    failure_message: str = ""


class Gateway(Protocol):
    method: str

    def check_available(self, *, shop) -> None:
        """Raise Invalid({"method": [...]}) when the shop cannot take this method."""

    def start(self, *, order: Order, payment: Payment, shop) -> Started: ...

    def refund(self, *, payment: Payment, refund: Refund, shop) -> Refunded: ...


class TestGateway:
    """Pays at once; development only (refused unless DEBUG)."""

    method = PaymentMethod.TEST

    def check_available(self, *, shop) -> None:
        if not settings.DEBUG:
            raise Invalid(errors={"method": [_("Test payments are only available in development.")]})

    def start(self, *, order, payment, shop) -> Started:
        return Started(SUCCEEDED)

    def refund(self, *, payment, refund, shop) -> Refunded:
        return Refunded(SUCCEEDED)  # nothing moved: the refund is recorded


class CashOnDeliveryGateway:
    """Nothing to charge now: the courier collects the money; the payment is recorded at delivery."""

    method = PaymentMethod.COD

    def check_available(self, *, shop) -> None:
        return None

    def start(self, *, order, payment, shop) -> Started:
        return Started(DUE)

    def refund(self, *, payment, refund, shop) -> Refunded:
        # Before delivery nothing was collected; after it the merchant pays back in cash: we record it.
        return Refunded(SUCCEEDED)


def technical_fee_amount(total_amount: int, bps: int) -> int:
    """The platform's fee in minor units: total x bps / 10000, rounded half up."""
    return (total_amount * bps + 5000) // 10000


def technical_fee_bps(shop) -> int:
    """The shop's plan rate (billing, through the tenancy door), else the platform default (60 bps = 0.6%)."""
    bps = plan_technical_fee_bps(shop)
    return settings.PAYMENTS_TECHNICAL_FEE_BPS if bps is None else bps


class StripeGateway:
    """A PaymentIntent on the merchant's connected account (Stripe-Account header); the platform keeps
    `application_fee_amount`. Card, WeChat Pay and Alipay; the browser confirms with the client secret."""

    method = PaymentMethod.STRIPE
    payment_method_types = ("card", "wechat_pay", "alipay")

    def check_available(self, *, shop) -> None:
        if not stripe_api.configured() or not getattr(shop, "stripe_account_id", ""):
            raise Invalid(errors={"method": [_("This shop does not take online payments yet.")]})

    def start(self, *, order, payment, shop) -> Started:
        fee = technical_fee_amount(payment.amount, technical_fee_bps(shop))
        intent = stripe_api.client().v1.payment_intents.create(
            params={
                "amount": payment.amount,
                "currency": payment.currency.lower(),
                "payment_method_types": list(self.payment_method_types),
                "application_fee_amount": fee,
                "description": order.number,
                "metadata": {
                    "shop": connection.schema_name,
                    "order_id": str(order.pk),
                    "order_number": order.number,
                    "payment_id": str(payment.pk),
                },
                "payment_method_options": {"wechat_pay": {"client": "web"}},
            },
            options={
                "stripe_account": shop.stripe_account_id,
                # Derived from our ledger row: a retried or doubled request can only ever make one intent.
                "idempotency_key": f"mm-{connection.schema_name}-payment-{payment.pk}-{payment.amount}",
            },
        )
        return Started(ACTION, client_secret=intent.client_secret, intent_id=intent.id, application_fee_amount=fee)

    def refund(self, *, payment, refund, shop) -> Refunded:
        """A (partial) refund of the payment's intent on the connected account; raises stripe.StripeError."""
        result = stripe_api.client().v1.refunds.create(
            params={
                "payment_intent": payment.stripe_payment_intent_id,
                "amount": refund.amount,
                # The platform's technical fee on the refunded part goes back too (Stripe keeps it by default),
                # as the fee ledger books it (billing: an order.refunded reverses the fee).
                "refund_application_fee": True,
                "metadata": {
                    "shop": connection.schema_name,
                    "order_id": str(payment.order_id),
                    "payment_id": str(payment.pk),
                    "refund_id": str(refund.pk),
                    "aftersale_id": str(refund.aftersale_id),
                },
            },
            options={
                "stripe_account": payment.stripe_account_id or shop.stripe_account_id,
                # Keyed by our refund row: approving again after a timeout can never refund twice.
                "idempotency_key": f"mm-{connection.schema_name}-refund-{refund.pk}-{refund.amount}",
            },
        )
        if result.status == "failed":
            return Refunded("failed", result.id, str(getattr(result, "failure_reason", "") or "")[:300])
        return Refunded(SUCCEEDED, result.id)

    def refund_duplicate(self, *, payment, shop) -> None:
        """The whole of a payment that charged an order already paid another way (services/duplicates.py), with
        Stripe's reason "duplicate"; raises stripe.StripeError."""
        stripe_api.client().v1.refunds.create(
            params={
                "payment_intent": payment.stripe_payment_intent_id,
                "amount": payment.amount,
                "reason": "duplicate",
                "refund_application_fee": True,  # no fee on money the shop was never meant to take
                "metadata": {
                    "shop": connection.schema_name,
                    "order_id": str(payment.order_id),
                    "payment_id": str(payment.pk),
                },
            },
            options={
                "stripe_account": payment.stripe_account_id or shop.stripe_account_id,
                # Keyed by the payment row: the task and the sweep racing still refund once.
                "idempotency_key": f"mm-{connection.schema_name}-duplicate-{payment.pk}-{payment.amount}",
            },
        )


GATEWAYS: dict[str, Gateway] = {g.method: g for g in (TestGateway(), CashOnDeliveryGateway(), StripeGateway())}


def gateway_for(method: str) -> Gateway:
    gateway = GATEWAYS.get(method)
    if gateway is None:
        raise Invalid(errors={"method": [_("Choose one of: %(methods)s.") % {"methods": ", ".join(GATEWAYS)}]})
    return gateway
