"""The pure price engine: exact amounts to the fen, the steps in order, shipping rules, largest remainder."""

from datetime import UTC, datetime

import pytest

from tenant_apps.pricing.engine import (
    STEPS,
    ItemOffer,
    LineInput,
    PricingInput,
    ShippingRule,
    Working,
    allocate,
    price_epoch,
    price_order,
    shipping_fee,
    threshold_promotions_step,
)
from tenant_apps.pricing.regions import canonical_province


def line(sku_id: int, price: int, quantity: int = 1, **extra) -> LineInput:
    return LineInput(
        sku_id=sku_id, product_id=sku_id * 10, category_id=None, quantity=quantity, list_price_amount=price, **extra
    )


def test_plain_lines_are_list_price_times_quantity():
    order = price_order(PricingInput(lines=(line(1, 12900, 2), line(2, 990, 3))))
    assert [(pl.unit_price_amount, pl.subtotal_amount, pl.total_amount) for pl in order.lines] == [
        (12900, 25800, 25800),
        (990, 2970, 2970),
    ]
    assert (order.subtotal_amount, order.discount_amount, order.shipping_amount, order.total_amount) == (
        28770,
        0,
        0,
        28770,
    )
    assert order.applied == ()


def test_allocate_uses_largest_remainder_with_ties_to_the_earlier_line():
    assert allocate(100, [1, 1, 1]) == [34, 33, 33]
    assert allocate(2, [1, 1, 1]) == [1, 1, 0]
    assert allocate(1000, [3000, 2000, 5000]) == [300, 200, 500]
    assert allocate(7, [10, 0, 10]) == [4, 0, 3]
    assert allocate(0, [5, 5]) == [0, 0]
    with pytest.raises(ValueError):
        allocate(1, [0, 0])


def test_activity_price_fixes_the_unit_price_and_takes_no_item_offer():
    offers = (ItemOffer(sku_id=1, kind="limited_time", code="LT1", unit_price_amount=8000),)
    order = price_order(
        PricingInput(lines=(line(1, 10000, activity_price_amount=6600), line(2, 10000)), item_offers=offers)
    )
    assert order.lines[0].unit_price_amount == 6600
    assert order.lines[0].price_source == "activity"
    assert order.lines[1].unit_price_amount == 10000


def test_item_price_is_the_best_offer_never_stacked():
    offers = (
        ItemOffer(sku_id=1, kind="member_price", code="M", unit_price_amount=9000),
        ItemOffer(sku_id=1, kind="limited_time", code="LT", unit_price_amount=8500),
        ItemOffer(sku_id=2, kind="limited_time", code="LT", unit_price_amount=12000),  # above list: ignored
    )
    order = price_order(PricingInput(lines=(line(1, 10000, 2), line(2, 11000)), item_offers=offers))
    assert [(pl.unit_price_amount, pl.price_source) for pl in order.lines] == [(8500, "limited_time"), (11000, "list")]
    assert order.subtotal_amount == 28000


def fixed_threshold(amount: int):
    """A stand-in threshold step (the marketing issue builds the real one) to exercise Working.discount."""

    def step(order: Working) -> None:
        order.discount(kind="threshold", code="T1", name="满100减X", amount=amount)

    return step


def steps_with(step):
    return tuple(step if s is threshold_promotions_step else s for s in STEPS)


def test_an_order_discount_is_allocated_to_lines_in_proportion_and_recorded():
    order = price_order(
        PricingInput(lines=(line(1, 3000), line(2, 2000), line(3, 5000))), steps=steps_with(fixed_threshold(1001))
    )
    assert [pl.discount_amount for pl in order.lines] == [300, 200, 501]
    assert [pl.total_amount for pl in order.lines] == [2700, 1800, 4499]
    assert order.discount_amount == 1001
    assert order.total_amount == 10000 - 1001
    (applied,) = order.applied
    assert (applied.kind, applied.code, applied.amount) == ("threshold", "T1", 1001)
    assert [(al.sku_id, al.amount) for al in applied.lines] == [(1, 300), (2, 200), (3, 501)]
    assert [a.amount for a in order.lines[2].allocations] == [501]


def test_a_discount_is_capped_at_the_eligible_amount_and_skips_activity_lines():
    order = price_order(
        PricingInput(lines=(line(1, 500, 2), line(2, 9900, activity_price_amount=100))),
        steps=steps_with(fixed_threshold(99999)),
    )
    assert [pl.discount_amount for pl in order.lines] == [1000, 0]
    assert [pl.total_amount for pl in order.lines] == [0, 100]
    assert order.total_amount == 100


def test_flat_shipping_free_over_threshold_measured_after_discounts():
    rule = ShippingRule(kind="flat", flat_fee_amount=1000, free_over_amount=9900)
    lines = (line(1, 5000), line(2, 5000))
    assert price_order(PricingInput(lines=lines, shipping=rule)).shipping_amount == 0
    discounted = price_order(PricingInput(lines=lines, shipping=rule), steps=steps_with(fixed_threshold(200)))
    assert discounted.shipping_amount == 1000  # 9800 after the discount: below 9900
    assert discounted.total_amount == 10000 - 200 + 1000


def test_province_surcharge_is_added_even_when_shipping_is_free():
    rule = ShippingRule(flat_fee_amount=800, free_over_amount=5000, province_surcharges={"新疆": 1500, "西藏": 2000})
    cheap, dear = (line(1, 1000),), (line(1, 6000),)
    assert price_order(PricingInput(lines=cheap, shipping=rule, province="新疆")).shipping_amount == 2300
    assert price_order(PricingInput(lines=dear, shipping=rule, province="西藏")).shipping_amount == 2000
    assert price_order(PricingInput(lines=dear, shipping=rule, province="浙江")).shipping_amount == 0
    assert price_order(PricingInput(lines=cheap, shipping=rule, province=None)).shipping_amount == 800


def test_weight_based_shipping_counts_each_started_additional_kilogram():
    rule = ShippingRule(
        kind="weight",
        first_weight_grams=1000,
        first_fee_amount=1000,
        additional_weight_grams=1000,
        additional_fee_amount=500,
    )
    fee = lambda grams: shipping_fee(rule, merchandise_amount=0, weight_grams=grams, province=None)  # noqa: E731
    assert [fee(0), fee(1000), fee(1001), fee(2000), fee(2500)] == [1000, 1000, 1500, 1500, 2000]
    order = price_order(
        PricingInput(lines=(line(1, 100, 3, weight_grams=400), line(2, 100, weight_grams=900)), shipping=rule)
    )
    assert order.weight_grams == 2100
    assert order.shipping_amount == 2000


def test_no_template_means_no_shipping_fee():
    assert price_order(PricingInput(lines=(line(1, 100),))).shipping_amount == 0


def test_bad_lines_are_refused():
    with pytest.raises(ValueError):
        price_order(PricingInput(lines=(line(1, 100, 0),)))
    with pytest.raises(ValueError):
        price_order(PricingInput(lines=(line(1, -1),)))


def test_price_epoch_is_the_latest_boundary_not_after_now():
    ten = datetime(2026, 12, 2, 10, 0, 0, tzinfo=UTC)
    noon = datetime(2026, 12, 2, 12, 0, 0, tzinfo=UTC)
    assert price_epoch([ten, noon], datetime(2026, 12, 2, 9, 59, 59, tzinfo=UTC)) is None
    assert price_epoch([ten, noon], ten) == ten
    assert price_epoch([noon, ten], datetime(2026, 12, 2, 12, 0, 1, tzinfo=UTC)) == noon


def test_provinces_are_named_one_way():
    assert canonical_province("新疆维吾尔自治区") == "新疆"
    assert canonical_province("广西壮族自治区") == "广西"
    assert canonical_province("浙江省") == "浙江"
    assert canonical_province("上海市") == "上海"
    assert canonical_province(" 西藏 ") == "西藏"
    assert canonical_province("火星") is None
    assert canonical_province("") is None
