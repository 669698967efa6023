"""Steps 3 (N元N件, n-th item x% off) and 4 (满减 / 满折 / 满赠) of the pure engine, checked to the fen."""

from tenant_apps.pricing.engine import (
    ItemOffer,
    LineInput,
    PricingInput,
    Promotion,
    Scope,
    Tier,
    price_order,
)


def line(sku_id, price, quantity=1, product_id=None, category_id=None, activity=None):
    return LineInput(
        sku_id=sku_id,
        product_id=product_id or sku_id,
        category_id=category_id,
        quantity=quantity,
        list_price_amount=price,
        activity_price_amount=activity,
    )


def reduce(code, *tiers, **extra):
    return Promotion(
        kind="threshold_reduce",
        code=code,
        name=code,
        tiers=tuple(Tier(threshold_amount=t, reduce_amount=r) for t, r in tiers),
        **extra,
    )


def priced(lines, *promotions, offers=()):
    return price_order(PricingInput(lines=tuple(lines), promotions=tuple(promotions), item_offers=tuple(offers)))


def test_the_cart_of_promotions_md_in_its_order_to_the_fen():
    """限时折扣 (step 2) + N元N件 (3) + 满减 (4, measured after 3) + 满赠 (4, out-of-stock gift -> next gift)."""
    tea, cup, snack = line(1, 12900), line(2, 3550, quantity=2), line(3, 2000)
    bundle = Promotion(
        kind="bundle",
        code="P-BUNDLE",
        name="3件80元",
        tiers=(Tier(threshold_quantity=3, bundle_price_amount=8000),),
        scope=Scope(product_ids=frozenset({2, 3})),
    )
    full_reduce = reduce("P-REDUCE", (10000, 1000), (15000, 2000))
    gift = Promotion(
        kind="threshold_gift",
        code="P-GIFT",
        name="满100赠",
        tiers=(Tier(threshold_amount=10000, gift_sku_ids=(8, 9)),),
        unavailable_gift_sku_ids=frozenset({8}),
    )
    order = priced(
        [tea, cup, snack],
        gift,
        full_reduce,
        bundle,
        offers=[ItemOffer(sku_id=1, kind="limited_discount", code="L1", unit_price_amount=9900)],
    )

    assert order.line(1).unit_price_amount == 9900 and order.line(1).price_source == "limited_discount"
    # Step 3: units 3550, 3550, 2000 = 9100 for 8000 -> 1100, split 7100 : 2000 by largest remainder.
    # Step 4: eligible 9900 + 6242 + 1758 = 17900 >= 15000 -> 2000 off, split 9900 : 6242 : 1758.
    assert [(a.kind, a.code, a.amount, [(al.sku_id, al.amount) for al in a.lines]) for a in order.applied] == [
        ("quantity", "P-BUNDLE", 1100, [(2, 858), (3, 242)]),
        ("gift", "P-GIFT", 0, []),
        ("threshold", "P-REDUCE", 2000, [(1, 1106), (2, 698), (3, 196)]),
    ]
    assert [(g.sku_id, g.quantity, g.code) for g in order.gifts] == [(9, 1, "P-GIFT")]
    assert [(pl.sku_id, pl.total_amount) for pl in order.lines] == [(1, 8794), (2, 5544), (3, 1562)]
    assert (order.subtotal_amount, order.discount_amount, order.total_amount) == (19000, 3100, 15900)


def test_highest_tier_met_and_below_the_first_tier_nothing():
    rule = reduce("R", (20000, 3000), (10000, 1000))  # tiers in any order
    assert priced([line(1, 9999)], rule).discount_amount == 0
    assert priced([line(1, 10000)], rule).discount_amount == 1000
    assert priced([line(1, 25000)], rule).discount_amount == 3000


def test_every_x_repeats_up_to_the_cap():
    rule = reduce("R", (10000, 1000), repeat=True, cap_amount=2500)
    assert priced([line(1, 29999)], rule).discount_amount == 2000
    assert priced([line(1, 90000)], rule).discount_amount == 2500


def test_percent_threshold_rounds_down_and_is_capped():
    rule = Promotion(
        kind="threshold_percent", code="P", name="满折", tiers=(Tier(threshold_amount=10000, percent_off=15),)
    )
    assert priced([line(1, 12345)], rule).discount_amount == 1851  # 12345 * 15 // 100
    capped = Promotion(
        kind="threshold_percent",
        code="P",
        name="p",
        tiers=(Tier(threshold_amount=100, percent_off=50),),
        cap_amount=300,
    )
    assert priced([line(1, 10000)], capped).discount_amount == 300


def test_threshold_is_measured_after_quantity_promotions_and_on_the_scope_only():
    bundle = Promotion(
        kind="bundle", code="B", name="b", tiers=(Tier(threshold_quantity=2, bundle_price_amount=15000),)
    )
    rule = reduce("R", (20000, 2000), scope=Scope(exclude_product_ids=frozenset({3})))
    # Two items of 10000 -> 15000 after the bundle: below 20000, so no 满减; the excluded line never counts.
    order = priced([line(1, 10000), line(2, 10000), line(3, 90000)], bundle, rule)
    assert [a.code for a in order.applied] == ["B"]


def test_activity_lines_take_no_promotion():
    rule = reduce("R", (100, 50))
    order = priced([line(1, 10000, activity=5000)], rule)
    assert order.discount_amount == 0 and order.applied == ()


def test_second_item_half_price_goes_to_the_cheaper_unit_of_each_product():
    rule = Promotion(
        kind="nth_percent", code="N", name="第二件半价", tiers=(Tier(threshold_quantity=2, percent_off=50),)
    )
    # Product 7 in two SKUs (dearest first: 3000, then 2001 takes 50% -> 1000); product 8 has one unit only.
    order = priced([line(1, 3000, product_id=7), line(2, 2001, product_id=7), line(3, 5000, product_id=8)], rule)
    assert order.discount_amount == 1000
    assert [(al.sku_id, al.amount) for al in order.applied[0].lines] == [(2, 1000)]
    repeating = Promotion(
        kind="nth_percent", code="N", name="n", tiers=(Tier(threshold_quantity=2, percent_off=50),), repeat=True
    )
    assert priced([line(1, 1000, quantity=5)], repeating).discount_amount == 1000  # units 2 and 4


def test_bundle_takes_the_dearest_units_and_repeats_when_asked():
    bundle = Promotion(kind="bundle", code="B", name="b", tiers=(Tier(threshold_quantity=2, bundle_price_amount=1000),))
    order = priced([line(1, 800, quantity=3), line(2, 100)], bundle)
    assert order.discount_amount == 600  # 800 + 800 for 1000
    assert [(al.sku_id, al.amount) for al in order.applied[0].lines] == [(1, 600)]
    again = Promotion(
        kind="bundle", code="B", name="b", tiers=(Tier(threshold_quantity=2, bundle_price_amount=1000),), repeat=True
    )
    assert priced([line(1, 800, quantity=4)], again).discount_amount == 1200
    cheap = Promotion(kind="bundle", code="B", name="b", tiers=(Tier(threshold_quantity=2, bundle_price_amount=5000),))
    assert priced([line(1, 800, quantity=2)], cheap).applied == ()  # the bundle price is no saving


def test_one_rule_per_group_the_best_one():
    small, big = reduce("S", (100, 10), group="g"), reduce("B", (100, 30), group="g")
    order = priced([line(1, 1000)], small, big)
    assert [(a.code, a.amount) for a in order.applied] == [("B", 30)]
    other = reduce("O", (100, 5), group="h")
    assert [a.code for a in priced([line(1, 1000)], small, big, other).applied] == ["B", "O"]


def test_excluded_groups_never_combine_and_the_bigger_wins():
    a = reduce("A", (100, 10), group="a", excludes=frozenset({"b"}))
    b = reduce("B", (100, 30), group="b", excludes=frozenset({"a"}))
    c = reduce("C", (100, 5), group="c")
    assert [a.code for a in priced([line(1, 1000)], a, b, c).applied] == ["B", "C"]


def test_a_threshold_group_excluded_by_a_quantity_group_applied_before_is_skipped():
    bundle = Promotion(
        kind="bundle",
        code="Q",
        name="q",
        group="q",
        excludes=frozenset({"t"}),
        tiers=(Tier(threshold_quantity=2, bundle_price_amount=1500),),
    )
    rule = reduce("T", (100, 500), group="t", excludes=frozenset({"q"}))
    order = priced([line(1, 1000, quantity=2)], bundle, rule)
    assert [a.code for a in order.applied] == ["Q"]


def test_out_of_stock_gifts_fall_back_to_the_next_gift_then_to_lower_tiers():
    gift = Promotion(
        kind="threshold_gift",
        code="G",
        name="g",
        tiers=(Tier(threshold_amount=100, gift_sku_ids=(51,)), Tier(threshold_amount=1000, gift_sku_ids=(61, 62))),
        unavailable_gift_sku_ids=frozenset({61, 62}),
    )
    assert [g.sku_id for g in priced([line(1, 5000)], gift).gifts] == [51]
    none_left = Promotion(
        kind="threshold_gift",
        code="G",
        name="g",
        tiers=(Tier(threshold_amount=100, gift_sku_ids=(51,)),),
        unavailable_gift_sku_ids=frozenset({51}),
    )
    order = priced([line(1, 5000)], none_left)
    assert order.gifts == () and order.applied == ()
