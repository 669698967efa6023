"""Property tests of the pure engine (hypothesis): whatever the lines, discounts and shipping, the books balance."""

from hypothesis import given, settings
from hypothesis import strategies as st

from tenant_apps.pricing.engine import (
    STEPS,
    ItemOffer,
    LineInput,
    PricingInput,
    Promotion,
    Scope,
    ShippingRule,
    Tier,
    Working,
    allocate,
    coupons_step,
    price_order,
    threshold_promotions_step,
)

amounts = st.integers(min_value=0, max_value=10**8)
lines = st.lists(
    st.builds(
        LineInput,
        sku_id=st.integers(min_value=1, max_value=10**6),
        product_id=st.integers(min_value=1, max_value=1000),
        category_id=st.none() | st.integers(min_value=1, max_value=50),
        quantity=st.integers(min_value=1, max_value=999),
        list_price_amount=amounts,
        weight_grams=st.integers(min_value=0, max_value=50_000),
        activity_price_amount=st.none() | amounts,
    ),
    min_size=1,
    max_size=12,
    unique_by=lambda li: li.sku_id,
)
rules = st.none() | st.builds(
    ShippingRule,
    kind=st.sampled_from(["flat", "weight"]),
    flat_fee_amount=amounts,
    first_weight_grams=st.integers(min_value=1, max_value=5000),
    first_fee_amount=amounts,
    additional_weight_grams=st.integers(min_value=1, max_value=5000),
    additional_fee_amount=st.integers(min_value=0, max_value=10**5),
    free_over_amount=st.none() | amounts,
    province_surcharges=st.dictionaries(st.sampled_from(["新疆", "西藏", "青海"]), amounts, max_size=3),
)
# Order-level discounts a future step may ask for, some bigger than the order: the engine caps them.
discounts = st.lists(st.integers(min_value=0, max_value=10**12), max_size=3)


def discount_steps(requested: list[int]):
    def threshold(order: Working) -> None:
        for index, amount in enumerate(requested[:2]):
            order.discount(kind="threshold", code=f"T{index}", name="t", amount=amount)

    def coupon(order: Working) -> None:
        for amount in requested[2:]:
            # A product coupon on the first half of the lines only.
            order.discount(
                kind="coupon", code="C", name="c", amount=amount, line_indexes=range(len(order.lines) // 2 + 1)
            )

    swap = {threshold_promotions_step: threshold, coupons_step: coupon}
    return tuple(swap.get(step, step) for step in STEPS)


@settings(max_examples=300, deadline=None)
@given(lines=lines, rule=rules, province=st.none() | st.sampled_from(["新疆", "浙江"]), requested=discounts)
def test_the_books_balance(lines, rule, province, requested):
    pricing = PricingInput(lines=tuple(lines), shipping=rule, province=province)
    order = price_order(pricing, steps=discount_steps(requested))

    # Totals never negative; a line's discount never exceeds what it cost.
    assert order.total_amount >= 0 and order.shipping_amount >= 0
    for pl in order.lines:
        assert 0 <= pl.discount_amount <= pl.subtotal_amount
        assert pl.total_amount == pl.subtotal_amount - pl.discount_amount >= 0
        assert sum(a.amount for a in pl.allocations) == pl.discount_amount
        if pl.price_source == "activity":
            assert pl.discount_amount == 0
    # Allocations sum exactly: per applied discount and over the order.
    for applied in order.applied:
        assert applied.amount > 0 or applied.kind == "gift"  # a 满赠 rule is listed with amount 0
        assert sum(al.amount for al in applied.lines) == applied.amount
    assert sum(a.amount for a in order.applied) == order.discount_amount
    assert order.subtotal_amount == sum(pl.subtotal_amount for pl in order.lines)
    assert order.discount_amount == sum(pl.discount_amount for pl in order.lines)
    assert order.total_amount == order.subtotal_amount - order.discount_amount + order.shipping_amount
    # A discount never exceeds the eligible (non-activity) amount.
    eligible = sum(pl.subtotal_amount for pl in order.lines if pl.price_source != "activity")
    assert order.discount_amount <= eligible
    # Same input -> same output.
    assert price_order(pricing, steps=discount_steps(requested)) == order


@settings(max_examples=500, deadline=None)
@given(weights=st.lists(st.integers(min_value=0, max_value=10**9), min_size=1, max_size=20), data=st.data())
def test_allocate_sums_exactly_and_never_exceeds_a_weight(weights, data):
    total = sum(weights)
    amount = data.draw(st.integers(min_value=0, max_value=total)) if total else 0
    shares = allocate(amount, weights)
    assert sum(shares) == amount
    assert all(0 <= share <= weight for share, weight in zip(shares, weights, strict=True))
    # Largest remainder: each share is the floor or the ceiling of the exact proportion.
    if total:
        assert all(amount * w // total <= s <= -(-amount * w // total) for s, w in zip(shares, weights, strict=True))
    assert allocate(amount, weights) == shares


# --- steps 3 and 4: quantity and threshold promotions (the real steps, random rules) -------------------------

small_amounts = st.integers(min_value=0, max_value=10**6)
GROUPS = ["", "a", "b", "c"]


@st.composite
def promotions(draw):
    kind = draw(st.sampled_from(["bundle", "nth_percent", "threshold_reduce", "threshold_percent", "threshold_gift"]))
    tiers = tuple(
        Tier(
            threshold_amount=draw(st.integers(min_value=1, max_value=10**6)),
            threshold_quantity=draw(st.integers(min_value=1, max_value=6)),
            reduce_amount=draw(small_amounts),
            percent_off=draw(st.integers(min_value=1, max_value=99)),
            gift_sku_ids=tuple(draw(st.lists(st.integers(min_value=900, max_value=905), max_size=3))),
            bundle_price_amount=draw(small_amounts),
        )
        for _ in range(draw(st.integers(min_value=1, max_value=3)))
    )
    group = draw(st.sampled_from(GROUPS))
    return Promotion(
        kind=kind,
        code=f"P{draw(st.integers(min_value=0, max_value=10**6))}",
        name="p",
        tiers=tiers,
        group=group,
        scope=Scope(product_ids=frozenset(draw(st.lists(st.integers(min_value=1, max_value=1000), max_size=2)))),
        repeat=draw(st.booleans()),
        cap_amount=draw(st.none() | small_amounts),
        excludes=frozenset(draw(st.lists(st.sampled_from([g for g in GROUPS if g and g != group]), max_size=2))),
        unavailable_gift_sku_ids=frozenset(draw(st.lists(st.integers(min_value=900, max_value=905), max_size=3))),
    )


@settings(max_examples=300, deadline=None)
@given(
    lines=lines,
    rules=st.lists(promotions(), max_size=5, unique_by=lambda p: p.code),
    offer_cut=st.integers(min_value=0, max_value=100),
    requested=discounts,
)
def test_promotions_never_go_negative_and_follow_the_order_of_application(lines, rules, offer_cut, requested):
    offers = tuple(
        ItemOffer(
            sku_id=li.sku_id,
            kind="limited_discount",
            code="L",
            unit_price_amount=li.list_price_amount * offer_cut // 100,
        )
        for li in lines[::2]
    )
    pricing = PricingInput(lines=tuple(lines), promotions=tuple(rules), item_offers=offers)
    order = price_order(pricing)

    assert order.total_amount >= 0
    for pl in order.lines:
        assert 0 <= pl.discount_amount <= pl.subtotal_amount
        assert sum(a.amount for a in pl.allocations) == pl.discount_amount
        if pl.price_source == "activity":
            assert (pl.discount_amount == 0 and pl.unit_price_amount == pl.list_price_amount) or pl.allocations == ()
    for applied in order.applied:
        assert sum(al.amount for al in applied.lines) == applied.amount
        assert applied.amount > 0 or applied.kind == "gift"
    assert sum(a.amount for a in order.applied) == order.discount_amount
    # PROMOTIONS.md order: every quantity promotion (step 3) comes before every threshold one (step 4).
    kinds = [a.kind for a in order.applied]
    assert kinds == sorted(kinds, key=lambda k: 0 if k == "quantity" else 1)
    by_code = {p.code: p for p in rules}
    applied_rules = [by_code[a.code] for a in order.applied]
    # One rule per group; no two groups that exclude each other.
    groups = [p.group or f"rule:{p.code}" for p in applied_rules]
    assert len(groups) == len(set(groups))
    for rule in applied_rules:
        assert not rule.excludes & set(groups)
    # Gifts: one per 满赠 rule applied, never an unavailable SKU, always a SKU of one of the rule's tiers.
    for gift in order.gifts:
        rule = by_code[gift.code]
        assert gift.sku_id not in rule.unavailable_gift_sku_ids
        assert any(gift.sku_id in tier.gift_sku_ids for tier in rule.tiers)
    assert price_order(pricing) == order
    # Coupons and points after promotions still balance (the test steps of the first property).
    later = price_order(pricing, steps=discount_steps(requested))
    assert later.total_amount >= 0 and sum(a.amount for a in later.applied) == later.discount_amount
