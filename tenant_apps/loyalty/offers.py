"""Level discounts as item offers (engine step 2): a signed-in member of a level with a discount gets that
share off each SKU's list price; the engine takes the best of this, limited-time and member prices, and never
applies it to an activity-priced line. Costs no query without a member."""

from collections.abc import Iterable
from datetime import datetime

from tenant_apps.catalog.interface import skus_for_sale
from tenant_apps.pricing.interface import ItemOffer

from . import rules, selectors


def level_offers(
    *, sku_ids: list[int] | None, product_ids: list[int] | None, now: datetime, member_id: int | None
) -> Iterable[ItemOffer]:
    if member_id is None or not sku_ids:
        return ()
    level = selectors.level_of(member_id=member_id)
    if level is None or level.discount_percent <= 0:
        return ()
    return tuple(
        ItemOffer(
            sku_id=sku.id,
            kind="level",
            code=f"level:{level.id}",
            unit_price_amount=rules.level_price(sku.price_amount, level.discount_percent),
            product_id=sku.product_id,
        )
        for sku in skus_for_sale(sku_ids).values()
    )
