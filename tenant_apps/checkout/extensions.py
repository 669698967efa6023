"""Checkout extensions: how the marketing apps take part in pricing and placing an order, while checkout and
orders import none of them (docs/checkout.md, "Extensions").

An extension (coupons, threshold promotions, flash sales, group buys, bargains, points...) registers once, from
its AppConfig.ready():

    from tenant_apps.checkout.interface import Contribution, register_checkout_extension

    class Coupons:
        name = "coupons"
        def contribute(self, request): ...      # -> Contribution | None; may raise Invalid / Conflict
        def on_place(self, *, order, quote, request, contribution): ...   # in the placing transaction

    register_checkout_extension(Coupons())

- `contribute(request)` runs for every quote (cart, checkout preview, order). It reads, never writes, and
  returns what its tool adds to the price engine's input: promotions (steps 3-4), coupons (5), points (6),
  item offers (2, e.g. a member price), activity prices (1), and which parts of the request it took
  (`handles`: "coupon_code", "points", "activity"). A request part that no extension takes is refused with a
  field message, so a shop without the tool answers 400, not a silently ignored coupon.
  `request.placing` is true when the quote is for place_order; it still runs BEFORE the order's transaction
  (so the hot rows stay locked briefly), which is why on_place must re-check what it relies on.
- `on_place(order=PlacedOrder, ...)` runs after the order rows and the stock reservation, inside the order's
  transaction: lock a coupon (a guarded UPDATE ... WHERE status = 'unused'), spend points, take activity stock
  (UPDATE ... WHERE remaining >= n), check per-member quotas under a row lock, record a participation. Raising
  (Conflict / Invalid) rolls the whole order back, so two orders never both pass a limit.
  Undoing (cancel, refund, unpaid timeout) is driven by the order events, not by calls.
- optional `screen(*, activity, items)` runs first, before any SKU, address or price is read: a cheap refusal
  (Conflict / Invalid) from what the extension already knows without a query, e.g. a flash sale this process
  just saw sell out, so the crowd of refused buyers costs no database work.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any, Protocol

from tenant_apps.pricing.interface import CouponOffer, ItemOffer, PointsRedemption, Promotion

if TYPE_CHECKING:
    from tenant_apps.catalog.interface import SkuForSale

    from .quotes import CheckoutQuote

ACTIVITY_TYPES = ("flash_sale", "group_buy", "bargain")
REQUEST_PARTS = ("coupon_code", "points", "activity")


@dataclass(frozen=True)
class ActivityRef:
    """`activity` of an order request (API.md): which activity prices the order, and a group to join; a group
    buy with a price ladder also names the group size its leader opens (`group_size`). A bargain (砍价) carries
    its session id in `group_id`: {type: "bargain", id: <activity id>, group_id: <bargain session id>}."""

    type: str
    id: int
    group_id: int | None = None
    group_size: int | None = None


@dataclass(frozen=True)
class QuoteRequest:
    member: Any  # members.Member or None (a guest cart)
    items: tuple[tuple[int, int], ...]
    skus: Mapping[int, SkuForSale]
    now: datetime
    coupon_code: str | None = None
    points: int | None = None
    activity: ActivityRef | None = None
    placing: bool = False

    @property
    def member_id(self) -> int | None:
        return getattr(self.member, "pk", None)


@dataclass(frozen=True)
class Contribution:
    promotions: tuple[Promotion, ...] = ()
    coupons: tuple[CouponOffer, ...] = ()
    points: PointsRedemption | None = None
    item_offers: tuple[ItemOffer, ...] = ()
    # Step 1: {sku_id: unit price} fixed by an activity; such lines take no further discounts.
    activity_prices: Mapping[int, int] = field(default_factory=dict)
    handles: frozenset[str] = frozenset()
    # Placing: a shorter unpaid window (flash sales), and holding shipment until released (group buys).
    pay_within_minutes: int | None = None
    hold_shipping: bool = False
    # Anything the extension wants back in on_place (ids it resolved, rows it locked...).
    data: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class PlacedLine:
    order_line_id: int
    sku_id: int
    product_id: int
    quantity: int
    unit_price_amount: int
    total_amount: int
    is_gift: bool = False


@dataclass(frozen=True)
class PlacedOrder:
    order_id: int
    number: str
    member_id: int
    total_amount: int
    pay_deadline: datetime | None
    lines: tuple[PlacedLine, ...]


class CheckoutExtension(Protocol):
    name: str

    def contribute(self, request: QuoteRequest) -> Contribution | None: ...

    def on_place(
        self, *, order: PlacedOrder, quote: CheckoutQuote, request: QuoteRequest, contribution: Contribution
    ) -> None: ...


_extensions: dict[str, CheckoutExtension] = {}


def register_checkout_extension(extension: CheckoutExtension) -> None:
    existing = _extensions.get(extension.name)
    if existing is not None and existing is not extension and type(existing) is not type(extension):
        raise ValueError(f"a checkout extension named {extension.name!r} is already registered")
    _extensions[extension.name] = extension


def unregister_checkout_extension(name: str) -> None:
    _extensions.pop(name, None)


def extensions() -> list[CheckoutExtension]:
    """Registered extensions in name order (a stable order: same input, same contributions)."""
    return [_extensions[name] for name in sorted(_extensions)]


def screen(*, activity: ActivityRef | None, items: tuple[tuple[int, int], ...]) -> None:
    """Let every extension with a `screen` method refuse the request before anything is read."""
    for extension in extensions():
        check = getattr(extension, "screen", None)
        if check is not None:
            check(activity=activity, items=items)


def collect(request: QuoteRequest) -> dict[str, Contribution]:
    """{extension name: its contribution} for this request (extensions that add nothing are left out)."""
    found = {}
    for extension in extensions():
        contribution = extension.contribute(request)
        if contribution is not None:
            found[extension.name] = contribution
    return found
