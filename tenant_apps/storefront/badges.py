"""Activity badges on product cards and product pages: a tiny registry the marketing tools register with.

A tool (limited-time discounts, 满减 rules, flash sales, group buys, bargains...) registers one provider from its
AppConfig.ready():

    from tenant_apps.storefront.interface import Badge, register_badges

    def my_badges(*, products, now, detail):     # products: [BadgeProduct(product_id, category_id)]
        return {product_id: [Badge(kind="flash_sale", label=_("Flash sale"), ends_at=..., url="/flash/3")]}

    register_badges(my_badges)

`detail` is True on the product page (show every tag, e.g. each 满减 tier), False on cards (one or two short
badges). Labels are translated at call time: badges are computed when a page is rendered, never stored in the
catalog caches; a rendered page is cached under the price-window token, so a tool whose badges start or end at
a given second must also register its boundaries (pricing.register_price_boundaries). A provider must be cheap
(one query for the page's products at most) and must not raise for products it does not know.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime

from tenant_apps.pricing import interface as pricing


@dataclass(frozen=True)
class Badge:
    kind: str  # "limited_discount", "threshold_reduce", "flash_sale", ... (a CSS class: badge-<kind>)
    label: str
    ends_at: datetime | None = None  # shown as a countdown on the product page
    url: str = ""  # the activity's page, when it has one
    # Activities a shopper joins from the product page (秒杀, 拼团, 砍价): the activity's price and the call to
    # action ("去开团"); the product page shows such a badge as an entry block linking to `url`.
    price_amount: int | None = None
    action: str = ""


@dataclass(frozen=True)
class BadgeProduct:
    product_id: int
    category_id: int | None = None


BadgeProvider = Callable[..., Mapping[int, Iterable[Badge]]]
_providers: list[BadgeProvider] = []
CARD_BADGES = 2


def register_badges(provider: BadgeProvider) -> None:
    if provider not in _providers:
        _providers.append(provider)


def unregister_badges(provider: BadgeProvider) -> None:
    if provider in _providers:
        _providers.remove(provider)


def badges_for(products: Iterable[BadgeProduct], *, detail: bool = False, now: datetime | None = None):
    """{product_id: [Badge]} from every registered provider, in registration order."""
    products = list(products)
    if not _providers or not products:
        return {}
    now = now or pricing.current_time()  # looked up at call time: tests stand the pricing clock
    found: dict[int, list[Badge]] = {}
    for provider in _providers:
        for product_id, badges in provider(products=products, now=now, detail=detail).items():
            found.setdefault(product_id, []).extend(badges)
    return found


def with_badges(cards: list[dict]) -> list[dict]:
    """Copies of product cards (shared, cached dicts) with their `badges` (at most CARD_BADGES each)."""
    if not _providers or not cards:
        return cards
    found = badges_for(BadgeProduct(card["id"], card.get("category_id")) for card in cards)
    return [{**card, "badges": found.get(card["id"], [])[:CARD_BADGES]} for card in cards]
