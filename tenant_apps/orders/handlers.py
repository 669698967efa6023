"""Orders' own subscribers: a payment that arrived after the unpaid timer is settled here for every order."""

from django.db import transaction

from shared_apps.tenancy.interface import current_shop, run_in_shop
from tenant_apps.events.interface import Event, subscriber

from .services import late


def _refund_later(shop, order_id: int) -> None:
    from .tasks import refund_late_payment  # tasks import services

    # Stamped with the shop's schema whatever the connection points at when the outermost transaction commits.
    run_in_shop(shop, lambda: refund_late_payment.delay(order_id))


@subscriber("order.paid_late", handler="orders.settle_late_payment")
def on_paid_late(event: Event) -> None:
    """Keep the order, or write its full refund here and send it through the gateway once this commits (a Celery
    task: the gateway is never called with rows locked). A lost task is found by the sweep (late.py)."""
    order_id = event.payload.get("order_id")
    if not isinstance(order_id, int) or isinstance(order_id, bool):
        return
    if late.decide_late_payment(order_id=order_id) == late.REFUNDING:
        shop = current_shop()
        transaction.on_commit(lambda: _refund_later(shop, order_id), robust=True)
