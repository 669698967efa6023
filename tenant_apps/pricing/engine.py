"""The price engine: order lines in, a priced order out. Pure: no ORM, no Django, only dataclasses and ints.

Every price a shopper sees comes from here (through `pricing.interface`): product cards, the product page,
the cart, the checkout preview and the order. The engine runs the ordered STEPS of PROMOTIONS.md:

    1. activity price   2. item price   3. quantity promotions   4. threshold promotions
    5. coupons          6. points       7. shipping

Steps not built yet are explicit no-ops; a new promotion tool is a new step function (or a filled-in no-op)
that calls `Working.discount(...)`, never a second engine. All amounts are integer minor units (fen).

Invariants (property-tested in tests/pricing/test_engine_properties.py):
- no total is negative; a line's discount never exceeds its subtotal;
- the allocations of each applied discount sum exactly to its amount, and per line to the line's discount;
- `sum(applied.amount) == order.discount_amount`; same input -> same output.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime

# --- input -------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class LineInput:
    sku_id: int
    product_id: int
    category_id: int | None
    quantity: int
    list_price_amount: int
    weight_grams: int = 0
    # Step 1: a flash sale / group buy / bargain price fixes the unit price; such a line takes no more discounts.
    activity_price_amount: int | None = None


@dataclass(frozen=True)
class ItemOffer:
    """A candidate unit price for one SKU in step 2 (limited-time discount, member price, level discount)."""

    sku_id: int
    kind: str
    code: str
    unit_price_amount: int
    product_id: int | None = None  # lets product cards show the lowest offer without loading SKUs


@dataclass(frozen=True)
class ShippingRule:
    """A shop's shipping template as plain data (the model lives in pricing.models.ShippingTemplate).

    Base fee: `flat` -> flat_fee_amount; `weight` -> first_fee_amount for the first `first_weight_grams`, plus
    additional_fee_amount per started `additional_weight_grams` beyond it. The base fee is waived when the
    merchandise amount after discounts reaches free_over_amount. A province surcharge (偏远地区, e.g. 新疆/西藏)
    is always added: free shipping covers the base fee, not the remote-area surcharge.
    """

    kind: str = "flat"
    flat_fee_amount: int = 0
    first_weight_grams: int = 1000
    first_fee_amount: int = 0
    additional_weight_grams: int = 1000
    additional_fee_amount: int = 0
    free_over_amount: int | None = None
    province_surcharges: Mapping[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class Scope:
    """Which lines a promotion or coupon covers: all, or the included products/categories, minus the excluded."""

    product_ids: frozenset[int] = frozenset()
    category_ids: frozenset[int] = frozenset()
    exclude_product_ids: frozenset[int] = frozenset()
    exclude_category_ids: frozenset[int] = frozenset()

    def covers(self, line: LineInput) -> bool:
        if line.product_id in self.exclude_product_ids or (
            line.category_id is not None and line.category_id in self.exclude_category_ids
        ):
            return False
        if not self.product_ids and not self.category_ids:
            return True
        return line.product_id in self.product_ids or (
            line.category_id is not None and line.category_id in self.category_ids
        )


@dataclass(frozen=True)
class Tier:
    """One tier of a quantity or threshold promotion; a rule uses the fields of its kind.

    threshold_amount / threshold_quantity: what the eligible lines must reach;
    reduce_amount (满减), percent_off (满折, 1-99 = share taken off), gift_sku_ids (满赠, first in stock wins),
    bundle_price_amount (N元N件: threshold_quantity items for this price).
    """

    threshold_amount: int = 0
    threshold_quantity: int = 0
    reduce_amount: int = 0
    percent_off: int = 0
    gift_sku_ids: tuple[int, ...] = ()
    bundle_price_amount: int = 0


@dataclass(frozen=True)
class Promotion:
    """A quantity (step 3) or threshold (step 4) rule in force, as plain data (models live in marketing apps).

    kind: "bundle" (N元N件), "nth_percent" (e.g. second item half price) -> step 3;
          "threshold_reduce" (满减), "threshold_percent" (满折), "threshold_gift" (满赠) -> step 4.
    group: the rule group (one applied promotion per group); `excludes` lists groups it never combines with
    (the merchant's exclusion matrix, made symmetric by the caller).
    repeat: "every X" tiers repeat (满减 only), capped by cap_amount.
    """

    kind: str
    code: str
    name: str
    tiers: tuple[Tier, ...]
    group: str = ""
    scope: Scope = Scope()
    repeat: bool = False
    cap_amount: int | None = None
    excludes: frozenset[str] = frozenset()
    # Gift SKUs that are out of stock now (the caller knows stock; the engine stays pure).
    unavailable_gift_sku_ids: frozenset[int] = frozenset()


@dataclass(frozen=True)
class CouponOffer:
    """A member's coupon chosen for this order (step 5), resolved and validated for ownership by the caller.

    kind: "fixed" (amount off), "percent" (percent_off 1-99 taken off), "shipping" (amount off the shipping
    fee, step 7). A random-range coupon is fixed once claimed. threshold_amount is measured on the eligible
    lines' amounts after step 4; max_discount_amount caps a percent coupon; full_price_only skips lines whose
    unit price came from an item offer.
    """

    code: str
    name: str
    kind: str
    amount: int = 0
    percent_off: int = 0
    threshold_amount: int = 0
    scope: Scope = Scope()
    max_discount_amount: int | None = None
    full_price_only: bool = False


@dataclass(frozen=True)
class PointsRedemption:
    """Points the shopper asked to spend (step 6) and the shop's rules for them.

    points_per_yuan: points worth one yuan (100 fen); min_points/max_points per order; max_percent: at most this
    share of the merchandise amount after step 5 may be paid with points.
    """

    points: int
    points_per_yuan: int
    min_points: int = 0
    max_points: int | None = None
    max_percent: int = 100


@dataclass(frozen=True)
class PricingInput:
    lines: tuple[LineInput, ...]
    shipping: ShippingRule | None = None
    # Canonical province name (pricing.regions.canonical_province); None: no surcharge (no address yet).
    province: str | None = None
    item_offers: tuple[ItemOffer, ...] = ()
    # Steps 3-4 (quantity and threshold rules in force), 5 (at most one order coupon + one product coupon +
    # one shipping coupon), 6 (points). Filled by checkout from the marketing apps' contributions.
    promotions: tuple[Promotion, ...] = ()
    coupons: tuple[CouponOffer, ...] = ()
    points: PointsRedemption | None = None


# --- output ------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Allocation:
    """One row of the line x promotion ledger: what one applied discount took off one line."""

    sku_id: int
    kind: str
    code: str
    amount: int


@dataclass(frozen=True)
class AppliedLine:
    sku_id: int
    amount: int


@dataclass(frozen=True)
class Applied:
    kind: str
    code: str
    name: str
    amount: int
    lines: tuple[AppliedLine, ...]


@dataclass(frozen=True)
class PricedLine:
    sku_id: int
    product_id: int
    category_id: int | None
    quantity: int
    list_price_amount: int
    unit_price_amount: int
    subtotal_amount: int
    discount_amount: int
    total_amount: int
    weight_grams: int
    allocations: tuple[Allocation, ...]
    # How the unit price was set: "list", an activity, or the winning item offer's kind.
    price_source: str = "list"


@dataclass(frozen=True)
class Gift:
    """A gift line a threshold rule (满赠) adds at no charge."""

    sku_id: int
    quantity: int
    code: str


@dataclass(frozen=True)
class PricedOrder:
    lines: tuple[PricedLine, ...]
    subtotal_amount: int
    discount_amount: int
    shipping_amount: int
    total_amount: int
    applied: tuple[Applied, ...]
    weight_grams: int = 0
    gifts: tuple[Gift, ...] = ()
    # Points spent (step 6) and the shipping discount (shipping coupons, step 7) included in shipping_amount.
    points_used: int = 0
    shipping_discount_amount: int = 0

    def line(self, sku_id: int) -> PricedLine:
        return next(line for line in self.lines if line.sku_id == sku_id)


# --- allocation --------------------------------------------------------------------------------------------


def allocate(amount: int, weights: Sequence[int]) -> list[int]:
    """Split `amount` over `weights` in proportion, largest remainder first, ties to the earlier index.

    The shares sum exactly to `amount`; with 0 <= amount <= sum(weights) no share exceeds its weight.
    """
    if amount < 0 or any(w < 0 for w in weights):
        raise ValueError("allocate() takes non-negative integers")
    total = sum(weights)
    if amount == 0:
        return [0] * len(weights)
    if total == 0:
        raise ValueError("cannot allocate a positive amount over zero weights")
    shares = [amount * w // total for w in weights]
    remainders = [amount * w % total for w in weights]
    left = amount - sum(shares)
    for index in sorted(range(len(weights)), key=lambda i: (-remainders[i], i))[:left]:
        shares[index] += 1
    return shares


# --- the working order the steps act on ------------------------------------------------------------------


@dataclass
class WorkingLine:
    input: LineInput
    unit_price_amount: int
    price_source: str = "list"
    takes_discounts: bool = True
    allocations: list[Allocation] = field(default_factory=list)

    @property
    def subtotal_amount(self) -> int:
        return self.unit_price_amount * self.input.quantity

    @property
    def current_amount(self) -> int:
        return self.subtotal_amount - sum(a.amount for a in self.allocations)


@dataclass
class Working:
    input: PricingInput
    lines: list[WorkingLine]
    applied: list[Applied] = field(default_factory=list)
    shipping_amount: int = 0
    gifts: list[Gift] = field(default_factory=list)
    points_used: int = 0
    shipping_discount_amount: int = 0

    @property
    def merchandise_amount(self) -> int:
        return sum(line.current_amount for line in self.lines)

    def discount(
        self, *, kind: str, code: str, name: str, amount: int, line_indexes: Iterable[int] | None = None
    ) -> int:
        """THE way a step takes money off: capped at the eligible lines' current amounts, allocated to them in
        proportion by largest remainder, recorded in the ledger and in `applied`. Returns the amount taken."""
        indexes = range(len(self.lines)) if line_indexes is None else line_indexes
        eligible = [i for i in indexes if self.lines[i].takes_discounts and self.lines[i].current_amount > 0]
        bases = [self.lines[i].current_amount for i in eligible]
        amount = min(max(amount, 0), sum(bases))
        if amount == 0:
            return 0
        shares = allocate(amount, bases)
        applied_lines = []
        for index, share in zip(eligible, shares, strict=True):
            if share:
                line = self.lines[index]
                line.allocations.append(Allocation(sku_id=line.input.sku_id, kind=kind, code=code, amount=share))
                applied_lines.append(AppliedLine(sku_id=line.input.sku_id, amount=share))
        self.applied.append(Applied(kind=kind, code=code, name=name, amount=amount, lines=tuple(applied_lines)))
        return amount


Step = Callable[[Working], None]


# --- the steps, in PROMOTIONS.md order -----------------------------------------------------------------------


def activity_price_step(order: Working) -> None:
    """1. An activity price fixes the unit price; by default the line then takes no further discounts."""
    for line in order.lines:
        if line.input.activity_price_amount is not None:
            line.unit_price_amount = line.input.activity_price_amount
            line.price_source = "activity"
            line.takes_discounts = False


def item_price_step(order: Working) -> None:
    """2. One item price per line: the best (lowest) offer, never stacked, never on an activity-priced line."""
    for line in order.lines:
        if line.price_source == "activity":
            continue
        unit, source = item_unit_price(line.input.sku_id, line.input.list_price_amount, order.input.item_offers)
        line.unit_price_amount, line.price_source = unit, source


def quantity_promotions_step(order: Working) -> None:
    """3. Quantity promotions (N元N件, second item half price). Not built yet (marketing issue): read
    `order.input.promotions`, take money off with `order.discount(kind="quantity", ...)` per eligible line set."""


def threshold_promotions_step(order: Working) -> None:
    """4. Threshold promotions (满减/满折/满赠) on the eligible current amounts after step 3: highest tier met,
    one per rule group. Not built yet (marketing issue): `order.discount(kind="threshold", ...)`."""


def coupons_step(order: Working) -> None:
    """5. At most one order coupon (+ one product coupon), threshold and percent measured on the eligible
    current amounts after step 4 and capped by them. Not built yet (marketing issue):
    `order.discount(kind="coupon", code=<coupon code>, ...)`."""


def points_step(order: Working) -> None:
    """6. Points on the remaining merchandise amount (ratio, min/max, max % of goods). Not built yet
    (marketing issue): `order.discount(kind="points", ...)`."""


def shipping_step(order: Working) -> None:
    """7. Shipping, with the free-shipping threshold measured on merchandise after steps 1-6."""
    rule = order.input.shipping
    if rule is None or not order.lines:
        order.shipping_amount = 0
        return
    weight = sum(line.input.weight_grams * line.input.quantity for line in order.lines)
    order.shipping_amount = shipping_fee(
        rule, merchandise_amount=order.merchandise_amount, weight_grams=weight, province=order.input.province
    )


STEPS: tuple[Step, ...] = (
    activity_price_step,
    item_price_step,
    quantity_promotions_step,
    threshold_promotions_step,
    coupons_step,
    points_step,
    shipping_step,
)


# --- pure helpers the steps and the display prices share -----------------------------------------------------


def item_unit_price(sku_id: int, list_price_amount: int, offers: Iterable[ItemOffer]) -> tuple[int, str]:
    """The best of the list price and this SKU's offers (ties keep the list price, then the first offer)."""
    best, source = list_price_amount, "list"
    for offer in offers:
        if offer.sku_id == sku_id and offer.unit_price_amount < best:
            best, source = offer.unit_price_amount, offer.kind
    return best, source


def shipping_fee(rule: ShippingRule, *, merchandise_amount: int, weight_grams: int, province: str | None) -> int:
    if rule.kind == "weight":
        extra_grams = max(weight_grams - rule.first_weight_grams, 0)
        steps = -(-extra_grams // rule.additional_weight_grams) if rule.additional_weight_grams > 0 else 0
        base = rule.first_fee_amount + steps * rule.additional_fee_amount
    else:
        base = rule.flat_fee_amount
    if rule.free_over_amount is not None and merchandise_amount >= rule.free_over_amount:
        base = 0
    surcharge = rule.province_surcharges.get(province, 0) if province else 0
    return base + surcharge


def price_epoch(boundaries: Iterable[datetime], now: datetime) -> datetime | None:
    """The start of the current price epoch: the latest price-change boundary at or before `now`."""
    return max((moment for moment in boundaries if moment <= now), default=None)


# --- the engine --------------------------------------------------------------------------------------------


def price_order(pricing: PricingInput, *, steps: Sequence[Step] = STEPS) -> PricedOrder:
    for line in pricing.lines:
        if line.quantity <= 0 or line.list_price_amount < 0 or line.weight_grams < 0:
            raise ValueError(f"bad line for SKU {line.sku_id}: quantity, price and weight must be non-negative")
    order = Working(
        input=pricing,
        lines=[WorkingLine(input=line, unit_price_amount=line.list_price_amount) for line in pricing.lines],
    )
    for step in steps:
        step(order)
    lines = tuple(
        PricedLine(
            sku_id=line.input.sku_id,
            product_id=line.input.product_id,
            category_id=line.input.category_id,
            quantity=line.input.quantity,
            list_price_amount=line.input.list_price_amount,
            unit_price_amount=line.unit_price_amount,
            subtotal_amount=line.subtotal_amount,
            discount_amount=line.subtotal_amount - line.current_amount,
            total_amount=line.current_amount,
            weight_grams=line.input.weight_grams * line.input.quantity,
            allocations=tuple(line.allocations),
            price_source=line.price_source,
        )
        for line in order.lines
    )
    subtotal = sum(line.subtotal_amount for line in lines)
    discount = sum(line.discount_amount for line in lines)
    return PricedOrder(
        lines=lines,
        subtotal_amount=subtotal,
        discount_amount=discount,
        shipping_amount=order.shipping_amount,
        total_amount=subtotal - discount + order.shipping_amount,
        applied=tuple(order.applied),
        weight_grams=sum(line.weight_grams for line in lines),
        gifts=tuple(order.gifts),
        points_used=order.points_used,
        shipping_discount_amount=order.shipping_discount_amount,
    )
