"""The catalog's subscriptions to order events (registered from CatalogConfig.ready()).

Payload (published by orders): {"lines": [{"product_id": 7, "quantity": 2}, ...], ...}. A refund is money, not
always goods: `order.refunded` uncounts `refunded_lines` (goods returned) when the payload has them, else every
line once the order is refunded in full (`refunded_amount` >= `total_amount`); a partial money refund alone
leaves the sales figures as they are.
"""

from collections import Counter

from tenant_apps.events.interface import Event, subscriber

from . import services


def _quantities(event: Event, key: str = "lines") -> Counter:
    quantities: Counter = Counter()
    for line in event.payload.get(key) or []:
        product_id, quantity = line["product_id"], line["quantity"]
        if not isinstance(product_id, int) or not isinstance(quantity, int) or quantity < 0:
            raise ValueError(f"bad order line in {event.name}: {line!r}")
        quantities[product_id] += quantity
    return quantities


@subscriber("order.paid", handler="catalog.count_sales")
def count_sales(event: Event) -> None:
    services.record_sales(quantities=_quantities(event))


@subscriber("order.refunded", handler="catalog.uncount_refunded_sales")
def uncount_refunded_sales(event: Event) -> None:
    payload = event.payload
    if "refunded_lines" in payload:
        returned = _quantities(event, "refunded_lines")
    elif _fully_refunded(payload):
        returned = _quantities(event)
    else:
        return
    services.record_sales(quantities={pk: -qty for pk, qty in returned.items()})


def _fully_refunded(payload: dict) -> bool:
    refunded, total = payload.get("refunded_amount"), payload.get("total_amount")
    # Without amounts the publisher speaks of a whole-order refund (the documented minimal payload).
    return refunded is None or total is None or refunded >= total
