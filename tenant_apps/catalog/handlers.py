"""The catalog's subscriptions to order events (registered from CatalogConfig.ready()).

Payload (published by orders): {"lines": [{"product_id": 7, "quantity": 2}, ...], ...}.
"""

from collections import Counter

from tenant_apps.events.interface import Event, subscriber

from . import services


def _quantities(event: Event) -> Counter:
    quantities: Counter = Counter()
    for line in event.payload.get("lines", []):
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
    services.record_sales(quantities={pk: -qty for pk, qty in _quantities(event).items()})
