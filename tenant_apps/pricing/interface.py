"""The pricing seam: the one place other apps get a shopper-facing price from.

- `display_prices(products)`: the price on product cards (list, search, home), "¥129.00 起" data;
- `sku_unit_prices(skus)`: the unit price of each SKU (product page, cart);
- `price_order(...)`: the engine (cart totals, checkout preview, orders via checkout.interface.quote);
- `default_shipping_rule()`: the shop's default shipping template as engine data;
- `price_window_token()`: part of every storefront cache key, so a time-limited price starting at
  10:00:00 is served at 10:00:00 (see `register_price_boundaries`).
Run inside the shop's schema.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime

from django.utils import timezone

from .engine import (
    STEPS,
    Allocation,
    Applied,
    AppliedLine,
    CouponOffer,
    Gift,
    ItemOffer,
    LineInput,
    PointsRedemption,
    PricedLine,
    PricedOrder,
    PricingInput,
    Promotion,
    Scope,
    ShippingRule,
    Step,
    Tier,
    allocate,
    item_unit_price,
    price_epoch,
)
from .engine import price_order as run_engine
from .regions import PROVINCES, canonical_province
from .selectors import default_shipping_rule

__all__ = [
    "PROVINCES",
    "Allocation",
    "Applied",
    "AppliedLine",
    "CouponOffer",
    "DisplayPrice",
    "Gift",
    "ItemOffer",
    "LineInput",
    "MemberUnitPrice",
    "PointsRedemption",
    "PricedLine",
    "PricedOrder",
    "PricingInput",
    "ProductPrice",
    "Promotion",
    "Scope",
    "ShippingRule",
    "SkuPrice",
    "Tier",
    "allocate",
    "canonical_province",
    "current_time",
    "default_shipping_rule",
    "display_prices",
    "member_unit_prices",
    "price_order",
    "price_window_token",
    "product_price_range",
    "register_item_offers",
    "register_price_boundaries",
    "sku_unit_prices",
    "unregister_item_offers",
    "unregister_price_boundaries",
]


@dataclass(frozen=True)
class SkuPrice:
    sku_id: int
    product_id: int
    list_price_amount: int


@dataclass(frozen=True)
class ProductPrice:
    product_id: int
    # The lowest list price over the product's SKUs (Product.min_price_amount).
    min_list_price_amount: int
    max_list_price_amount: int | None = None


@dataclass(frozen=True)
class DisplayPrice:
    price_amount: int
    # True when SKUs differ in price: show "¥129.00 起".
    from_price: bool


# Providers of scheduled price-change moments (limited-time discounts, flash-sale sessions ...). The marketing
# issue registers one per tool; each returns the boundaries (starts and ends) relevant around `now`.
BoundaryProvider = Callable[[datetime], Iterable[datetime]]
_boundary_providers: list[BoundaryProvider] = []
# Item-price offers in force (step 2 of the engine); marketing registers its providers here too. Called as
# provider(sku_ids=[...] or None, product_ids=[...] or None, now=..., member_id=int or None) -> offers of those
# SKUs / products (member prices and level discounts only when member_id is given).
OfferProvider = Callable[..., Iterable[ItemOffer]]
_offer_providers: list[OfferProvider] = []


def register_price_boundaries(provider: BoundaryProvider) -> None:
    if provider not in _boundary_providers:
        _boundary_providers.append(provider)


def unregister_price_boundaries(provider: BoundaryProvider) -> None:
    if provider in _boundary_providers:
        _boundary_providers.remove(provider)


def register_item_offers(provider: OfferProvider) -> None:
    if provider not in _offer_providers:
        _offer_providers.append(provider)


def unregister_item_offers(provider: OfferProvider) -> None:
    if provider in _offer_providers:
        _offer_providers.remove(provider)


def current_time() -> datetime:
    """The clock of every price decision (one place, so tests can stand at 09:59:59 and at 10:00:00)."""
    return timezone.now()


def price_window_token(now: datetime | None = None) -> str:
    """The start of the current price epoch as a cache-key part; "0" while the shop has no scheduled prices.

    Costs no query until a tool registers a boundary provider.
    """
    if not _boundary_providers:
        return "0"
    now = now or current_time()
    epoch = price_epoch((moment for provider in _boundary_providers for moment in provider(now)), now)
    return "0" if epoch is None else str(int(epoch.timestamp()))


def item_offers(
    *,
    sku_ids: Iterable[int] | None = None,
    product_ids: Iterable[int] | None = None,
    now: datetime | None = None,
    member_id: int | None = None,
) -> tuple[ItemOffer, ...]:
    if not _offer_providers:
        return ()
    skus = None if sku_ids is None else list(sku_ids)
    products = None if product_ids is None else list(product_ids)
    now = now or current_time()
    return tuple(
        offer
        for provider in _offer_providers
        for offer in provider(sku_ids=skus, product_ids=products, now=now, member_id=member_id)
    )


def sku_unit_prices(
    skus: Iterable[SkuPrice], now: datetime | None = None, member_id: int | None = None
) -> dict[int, int]:
    """{sku_id: the unit price a shopper pays now} (steps 1-2 of the engine; member prices with member_id)."""
    skus = list(skus)
    offers = item_offers(sku_ids=[sku.sku_id for sku in skus], now=now, member_id=member_id)
    return {sku.sku_id: item_unit_price(sku.sku_id, sku.list_price_amount, offers)[0] for sku in skus}


@dataclass(frozen=True)
class MemberUnitPrice:
    sku_id: int
    product_id: int
    anyone_price_amount: int  # what any shopper pays now (list price or a limited-time discount)
    price_amount: int  # what this member pays now: the same step-2 answer checkout charges them
    source: str  # "list" or the winning offer's kind ("member_price", "level", "limited_discount"...)


def member_unit_prices(
    skus: Iterable[SkuPrice], *, member_id: int, now: datetime | None = None
) -> dict[int, MemberUnitPrice]:
    """{sku_id: MemberUnitPrice}: a signed-in member's unit price of each SKU next to everyone's (member prices and
    level discounts are offers for `member_id` only). Product pages and cards show it to the member after the
    cached page loaded; checkout's quote prices the line with the same offers, so the figures agree."""
    skus = list(skus)
    now = now or current_time()
    anyone = sku_unit_prices(skus, now=now)
    offers = item_offers(sku_ids=[sku.sku_id for sku in skus], now=now, member_id=member_id)
    result = {}
    for sku in skus:
        price, source = item_unit_price(sku.sku_id, sku.list_price_amount, offers)
        result[sku.sku_id] = MemberUnitPrice(sku.sku_id, sku.product_id, anyone[sku.sku_id], price, source)
    return result


def display_prices(
    products: Iterable[ProductPrice], now: datetime | None = None, member_id: int | None = None
) -> dict[int, DisplayPrice]:
    """{product_id: the card price}: the lowest of the product's lowest list price and its SKUs' offers in force
    (an offer only ever lowers its own SKU's price, so this is the lowest unit price a shopper can pay)."""
    products = list(products)
    offers = item_offers(product_ids=[product.product_id for product in products], now=now, member_id=member_id)
    lowest_offer: dict[int, int] = {}
    for offer in offers:
        if offer.product_id is not None:
            lowest_offer[offer.product_id] = min(
                offer.unit_price_amount, lowest_offer.get(offer.product_id, offer.unit_price_amount)
            )
    result = {}
    for product in products:
        low = min(product.min_list_price_amount, lowest_offer.get(product.product_id, product.min_list_price_amount))
        high = product.max_list_price_amount
        result[product.product_id] = DisplayPrice(price_amount=low, from_price=high is not None and high > low)
    return result


def product_price_range(unit_prices: Iterable[int]) -> DisplayPrice | None:
    prices = list(unit_prices)
    if not prices:
        return None
    return DisplayPrice(price_amount=min(prices), from_price=max(prices) > min(prices))


def price_order(
    *,
    lines: Iterable[LineInput],
    shipping: ShippingRule | None = None,
    province: str | None = None,
    now: datetime | None = None,
    steps: tuple[Step, ...] = STEPS,
    member_id: int | None = None,
    promotions: Iterable[Promotion] = (),
    coupons: Iterable[CouponOffer] = (),
    points: PointsRedemption | None = None,
    extra_offers: Iterable[ItemOffer] = (),
) -> PricedOrder:
    """Price lines with the engine: the item offers in force now (for `member_id` when given) plus
    `extra_offers`, and the promotions, coupons and points checkout's contributions resolved."""
    lines = tuple(lines)
    offers = item_offers(sku_ids=[line.sku_id for line in lines], now=now, member_id=member_id)
    return run_engine(
        PricingInput(
            lines=lines,
            shipping=shipping,
            province=canonical_province(province),
            item_offers=offers + tuple(extra_offers),
            promotions=tuple(promotions),
            coupons=tuple(coupons),
            points=points,
        ),
        steps=steps,
    )
