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
    name: str = "points"  # shown with the discount (the caller passes it translated)


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
    # Merchandise after step 5 (coupons), taken by the points step: the free-shipping threshold is measured on it
    # (PROMOTIONS.md step 7), so paying with points never costs the shopper free shipping.
    merchandise_before_points: int | None = None

    @property
    def merchandise_amount(self) -> int:
        return sum(line.current_amount for line in self.lines)

    def discount(
        self,
        *,
        kind: str,
        code: str,
        name: str,
        amount: int,
        line_indexes: Iterable[int] | None = None,
        weights: Mapping[int, int] | None = None,
    ) -> int:
        """THE way a step takes money off: capped at the eligible lines' current amounts, allocated to them in
        proportion by largest remainder, recorded in the ledger and in `applied`. Returns the amount taken.

        `weights` ({line index: weight}, each capped at the line's current amount) replaces the lines' current
        amounts as the allocation base, for a discount that belongs to some units of a line (N元N件, second
        item x% off): the amount is then capped at the sum of those weights."""
        indexes = range(len(self.lines)) if line_indexes is None else line_indexes
        eligible = [i for i in indexes if self.lines[i].takes_discounts and self.lines[i].current_amount > 0]
        if weights is not None:
            eligible = [i for i in eligible if weights.get(i, 0) > 0]
            bases = [min(weights[i], self.lines[i].current_amount) for i in eligible]
        else:
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
    """3. Quantity promotions: N元N件 ("bundle") and the n-th item x% off ("nth_percent"), one per rule group,
    groups the merchant excluded from each other never combined (see `choose_promotions`)."""
    candidates = [
        (promotion, quantity_effect(order, promotion))
        for promotion in order.input.promotions
        if promotion.kind in QUANTITY_KINDS
    ]
    for promotion, effect in choose_promotions(candidates, taken=frozenset(), taken_excludes=frozenset()):
        amount, weights = effect
        order.discount(
            kind="quantity", code=promotion.code, name=promotion.name, amount=amount, line_indexes=list(weights),
            weights=weights,
        )  # fmt: skip


def threshold_promotions_step(order: Working) -> None:
    """4. Threshold promotions (满减 reduce, 满折 percent, 满赠 gift) measured on the eligible lines' current amounts
    after step 3: highest tier met, "every X" repeating tiers capped, one per rule group, no two groups the
    merchant excluded from each other (also against the groups applied in step 3); an out-of-stock gift gives
    way to the next gift of the tier, then to the gifts of the lower tiers met."""
    taken = applied_groups(order, kind="quantity")
    taken_excludes = frozenset().union(*(p.excludes for p in order.input.promotions if group_of(p) in taken))
    candidates = [
        (promotion, threshold_effect(order, promotion))
        for promotion in order.input.promotions
        if promotion.kind in THRESHOLD_KINDS
    ]
    for promotion, effect in choose_promotions(candidates, taken=taken, taken_excludes=taken_excludes):
        amount, indexes, gift = effect
        if gift is not None:
            order.gifts.append(Gift(sku_id=gift, quantity=1, code=promotion.code))
            # A gift takes no money off: it is listed with amount 0 so the preview names every rule applied.
            order.applied.append(Applied(kind="gift", code=promotion.code, name=promotion.name, amount=0, lines=()))
        else:
            order.discount(kind="threshold", code=promotion.code, name=promotion.name, amount=amount,
                           line_indexes=indexes)  # fmt: skip


QUANTITY_KINDS = frozenset({"bundle", "nth_percent"})
THRESHOLD_KINDS = frozenset({"threshold_reduce", "threshold_percent", "threshold_gift"})


def group_of(promotion: Promotion) -> str:
    """A rule without a group is a group of its own."""
    return promotion.group or f"rule:{promotion.code}"


def applied_groups(order: Working, *, kind: str) -> frozenset[str]:
    codes = {applied.code for applied in order.applied if applied.kind == kind}
    return frozenset(group_of(p) for p in order.input.promotions if p.code in codes)


def choose_promotions(candidates, *, taken: frozenset[str], taken_excludes: frozenset[str]) -> list:
    """The rules to apply out of [(promotion, effect)], where effect[0] is the amount it would take off (0 for a
    gift) and a None effect means the rule does not apply. One rule per group: the one taking the most off (a
    gift counts as taking off 0; ties go to the first in input order). Then, largest first, a group joins only
    if neither it nor an already chosen group (or a group in `taken`, chosen by an earlier step) excludes the
    other (`taken_excludes`: the groups those earlier rules exclude). Deterministic: same input, same choice."""
    by_group: dict[str, tuple[int, Promotion, object]] = {}
    for position, (promotion, effect) in enumerate(candidates):
        if effect is None:
            continue
        group = group_of(promotion)
        best = by_group.get(group)
        if best is None or effect[0] > best[2][0]:
            by_group[group] = (position, promotion, effect)
    chosen: list[tuple[int, Promotion, object]] = []
    chosen_groups = set(taken)
    excluded: set[str] = set(taken_excludes)
    for position, promotion, effect in sorted(by_group.values(), key=lambda item: (-item[2][0], item[0])):
        group = group_of(promotion)
        if group in chosen_groups or group in excluded or promotion.excludes & chosen_groups:
            continue
        chosen.append((position, promotion, effect))
        chosen_groups.add(group)
        excluded |= promotion.excludes
    # Applied in input order (the caller's stable order), whatever order they were chosen in.
    return [(promotion, effect) for _position, promotion, effect in sorted(chosen, key=lambda item: item[0])]


def eligible_indexes(order: Working, promotion: Promotion) -> list[int]:
    return [
        index
        for index, line in enumerate(order.lines)
        if line.takes_discounts and line.current_amount > 0 and promotion.scope.covers(line.input)
    ]


def met_tier(tiers: Sequence[Tier], reached: int, *, by_quantity: bool) -> Tier | None:
    """The highest tier whose threshold `reached` meets (tiers may come in any order)."""
    met = [t for t in tiers if reached >= (t.threshold_quantity if by_quantity else t.threshold_amount) > 0]
    return max(met, key=lambda t: t.threshold_quantity if by_quantity else t.threshold_amount, default=None)


def unit_prices(order: Working, indexes: Sequence[int]) -> list[tuple[int, int]]:
    """[(unit amount, line index)] for every unit of the lines, dearest first (ties: earlier line). A unit's
    amount is its share of the line's current amount (the line's remainder goes to its first units)."""
    units = []
    for index in indexes:
        line = order.lines[index]
        quantity = line.input.quantity
        base, extra = divmod(line.current_amount, quantity)
        units += [(base + (1 if n < extra else 0), index) for n in range(quantity)]
    return sorted(units, key=lambda unit: (-unit[0], unit[1]))


def quantity_effect(order: Working, promotion: Promotion) -> tuple[int, dict[int, int]] | None:
    """(amount off, {line index: the amount of its units taking part}) of a quantity rule, None if not met.

    bundle (N元N件): the dearest units are grouped N at a time for the tier's bundle price (one bundle, or as
    many as fit with `repeat`); the amount off is what those units cost minus the bundle prices.
    nth_percent: per product, its units dearest first, the n-th unit (every n-th with `repeat`) gets the tier's
    percent off (rounded down to the fen), so the cheaper units take the discount.
    """
    indexes = eligible_indexes(order, promotion)
    if not indexes:
        return None
    weights: dict[int, int] = {}
    amount = 0
    if promotion.kind == "bundle":
        units = unit_prices(order, indexes)
        tier = met_tier(promotion.tiers, len(units), by_quantity=True)
        if tier is None:
            return None
        size = tier.threshold_quantity
        bundles = len(units) // size if promotion.repeat else 1
        taking_part = units[: bundles * size]
        cost = sum(unit for unit, _index in taking_part)
        amount = cost - bundles * tier.bundle_price_amount
        for unit, index in taking_part:
            weights[index] = weights.get(index, 0) + unit
    else:
        by_product: dict[int, list[int]] = {}
        for index in indexes:
            by_product.setdefault(order.lines[index].input.product_id, []).append(index)
        for product_indexes in by_product.values():
            units = unit_prices(order, product_indexes)
            tier = met_tier(promotion.tiers, len(units), by_quantity=True)
            if tier is None:
                continue
            n = tier.threshold_quantity
            positions = range(n - 1, len(units), n) if promotion.repeat else [n - 1]
            for position in positions:
                unit, index = units[position]
                off = unit * min(max(tier.percent_off, 0), 100) // 100
                amount += off
                weights[index] = weights.get(index, 0) + unit
    if amount <= 0:
        return None
    return amount, weights


def threshold_effect(order: Working, promotion: Promotion) -> tuple[int, list[int], int | None] | None:
    """(amount off, line indexes, gift SKU or None) of a threshold rule on the current amounts; None if not met
    (or, for 满赠, when every gift of every tier met is out of stock)."""
    indexes = eligible_indexes(order, promotion)
    reached = sum(order.lines[i].current_amount for i in indexes)
    tier = met_tier(promotion.tiers, reached, by_quantity=False)
    if tier is None:
        return None
    if promotion.kind == "threshold_gift":
        met = sorted((t for t in promotion.tiers if 0 < t.threshold_amount <= reached),
                     key=lambda t: -t.threshold_amount)  # fmt: skip
        for candidate in met:
            for sku_id in candidate.gift_sku_ids:
                if sku_id not in promotion.unavailable_gift_sku_ids:
                    return 0, indexes, sku_id
        return None
    if promotion.kind == "threshold_reduce":
        times = reached // tier.threshold_amount if promotion.repeat else 1
        amount = times * tier.reduce_amount
    else:
        amount = reached * min(max(tier.percent_off, 0), 100) // 100
    if promotion.cap_amount is not None:
        amount = min(amount, promotion.cap_amount)
    amount = min(amount, reached)
    if amount <= 0:
        return None
    return amount, indexes, None


def coupon_lines(order: Working, coupon: CouponOffer) -> list[int]:
    """Indexes of the lines `coupon` may discount: lines that take discounts, in its scope, and (when
    full_price_only) priced at their list price."""
    return [
        index
        for index, line in enumerate(order.lines)
        if line.takes_discounts
        and coupon.scope.covers(line.input)
        and not (coupon.full_price_only and line.price_source != "list")
    ]


def coupon_amount(coupon: CouponOffer, eligible_amount: int) -> int:
    """What `coupon` takes off `eligible_amount` (0 below its threshold), never more than that amount."""
    if eligible_amount <= 0 or eligible_amount < coupon.threshold_amount:
        return 0
    if coupon.kind == "percent":
        amount = eligible_amount * min(max(coupon.percent_off, 0), 100) // 100
        if coupon.max_discount_amount is not None:
            amount = min(amount, coupon.max_discount_amount)
    else:
        amount = coupon.amount
    return min(max(amount, 0), eligible_amount)


def chosen_coupons(coupons: Iterable[CouponOffer]) -> tuple[CouponOffer | None, CouponOffer | None, CouponOffer | None]:
    """(product coupon, order coupon, shipping coupon): the first of each in input order, the rest ignored.

    A product coupon is a fixed/percent coupon whose scope names products or categories; an order coupon's
    scope covers all (exclusions allowed); a shipping coupon has kind "shipping"."""
    product = order_level = shipping = None
    for coupon in coupons:
        if coupon.kind == "shipping":
            shipping = shipping or coupon
        elif coupon.scope.product_ids or coupon.scope.category_ids:
            product = product or coupon
        else:
            order_level = order_level or coupon
    return product, order_level, shipping


def coupons_step(order: Working) -> None:
    """5. At most one product coupon, then at most one order coupon. Threshold and percent are measured on the
    eligible lines' current amounts after step 4 (and after the product coupon for the order coupon), and the
    discount is capped by them (Saleor #17453). Shipping coupons wait for step 7."""
    product, order_level, _shipping = chosen_coupons(order.input.coupons)
    for coupon in (product, order_level):
        if coupon is None:
            continue
        indexes = coupon_lines(order, coupon)
        amount = coupon_amount(coupon, sum(order.lines[i].current_amount for i in indexes))
        if amount:
            order.discount(kind="coupon", code=coupon.code, name=coupon.name, amount=amount, line_indexes=indexes)


def points_step(order: Working) -> None:
    """6. Points on the remaining merchandise amount: at most `max_percent` % of the lines that take discounts
    (after step 5), at most max_points, nothing below min_points. Whole points buy whole fen: the amount is
    floor(points * 100 / points_per_yuan) and `points_used` is the fewest points that buy that amount."""
    order.merchandise_before_points = order.merchandise_amount
    redemption = order.input.points
    if redemption is None or redemption.points <= 0 or redemption.points_per_yuan <= 0:
        return
    ratio = redemption.points_per_yuan
    eligible = [i for i, line in enumerate(order.lines) if line.takes_discounts and line.current_amount > 0]
    goods = sum(order.lines[i].current_amount for i in eligible)
    cap_amount = goods * min(max(redemption.max_percent, 0), 100) // 100
    usable = min(redemption.points, cap_amount * ratio // 100)
    if redemption.max_points is not None:
        usable = min(usable, redemption.max_points)
    amount = usable * 100 // ratio
    used = -(-amount * ratio // 100)
    if amount <= 0 or used < redemption.min_points:
        return
    order.points_used = used
    order.discount(kind="points", code="points", name=redemption.name, amount=amount, line_indexes=eligible)


def shipping_step(order: Working) -> None:
    """7. Shipping, with the free-shipping threshold measured on merchandise after step 5 (coupons, before points)."""
    rule = order.input.shipping
    if rule is None or not order.lines:
        order.shipping_amount = 0
        return
    weight = sum(line.input.weight_grams * line.input.quantity for line in order.lines)
    measured = order.merchandise_amount if order.merchandise_before_points is None else order.merchandise_before_points
    order.shipping_amount = shipping_fee(
        rule, merchandise_amount=measured, weight_grams=weight, province=order.input.province
    )
    shipping_coupon_step(order)


def shipping_coupon_step(order: Working) -> None:
    """7b. One shipping coupon: its threshold is measured on the eligible lines' amounts after steps 1-6, and it
    takes at most the shipping fee off (recorded in shipping_discount_amount, not in the line ledger)."""
    _product, _order_level, coupon = chosen_coupons(order.input.coupons)
    if coupon is None or order.shipping_amount <= 0:
        return
    eligible = sum(order.lines[i].current_amount for i in coupon_lines(order, coupon))
    if eligible <= 0 or eligible < coupon.threshold_amount:
        return
    off = min(max(coupon.amount, 0), order.shipping_amount)
    order.shipping_amount -= off
    order.shipping_discount_amount += off


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
