"""Property tests of engine step 6 (points): whatever the lines, the earlier discounts and the shop's rules,
points never make a total negative, never pay more than max_percent of the goods left after step 5, never
spend more than asked (or max_points), and buy exactly floor(points_used * 100 / ratio) fen."""

from hypothesis import given, settings
from hypothesis import strategies as st

from tenant_apps.pricing.engine import (
    STEPS,
    LineInput,
    PointsRedemption,
    PricingInput,
    ShippingRule,
    Working,
    coupons_step,
    points_step,
    price_order,
)

amounts = st.integers(min_value=0, max_value=10**7)
lines = st.lists(
    st.builds(
        LineInput,
        sku_id=st.integers(min_value=1, max_value=10**6),
        product_id=st.integers(min_value=1, max_value=1000),
        category_id=st.none(),
        quantity=st.integers(min_value=1, max_value=50),
        list_price_amount=amounts,
        activity_price_amount=st.none() | amounts,
    ),
    min_size=1,
    max_size=8,
    unique_by=lambda li: li.sku_id,
)
redemptions = st.builds(
    PointsRedemption,
    points=st.integers(min_value=0, max_value=10**10),
    points_per_yuan=st.integers(min_value=1, max_value=1000),
    min_points=st.integers(min_value=0, max_value=5000),
    max_points=st.none() | st.integers(min_value=1, max_value=10**8),
    max_percent=st.integers(min_value=0, max_value=100),
)


def with_coupon(amount: int):
    def coupon(order: Working) -> None:
        order.discount(kind="coupon", code="C", name="c", amount=amount)

    return tuple(coupon if step is coupons_step else step for step in STEPS)


def goods_before_points(lines, coupon_amount):
    """The discountable goods left after step 5 (what the % cap is measured on)."""
    without = price_order(
        PricingInput(lines=tuple(lines)), steps=tuple(s for s in with_coupon(coupon_amount) if s is not points_step)
    )
    return sum(line.total_amount for line in without.lines if line.price_source != "activity")


@settings(max_examples=400, deadline=None)
@given(lines=lines, redemption=redemptions, coupon=st.integers(min_value=0, max_value=10**8), fee=amounts)
def test_points_never_make_a_total_negative_and_the_cap_holds(lines, redemption, coupon, fee):
    pricing = PricingInput(lines=tuple(lines), shipping=ShippingRule(flat_fee_amount=fee), points=redemption)
    order = price_order(pricing, steps=with_coupon(coupon))

    points = [a for a in order.applied if a.kind == "points"]
    paid = points[0].amount if points else 0
    assert order.total_amount >= 0 and all(line.total_amount >= 0 for line in order.lines)
    assert order.total_amount == order.subtotal_amount - order.discount_amount + order.shipping_amount
    # the % cap, measured on the goods after the coupon; shipping is never paid with points
    assert paid <= goods_before_points(lines, coupon) * redemption.max_percent // 100
    # whole points buy whole fen, never more points than asked or allowed, none below the minimum
    assert paid == order.points_used * 100 // redemption.points_per_yuan
    assert order.points_used <= redemption.points
    if redemption.max_points is not None:
        assert order.points_used <= redemption.max_points
    assert order.points_used == 0 or order.points_used >= redemption.min_points
    assert (order.points_used == 0) == (paid == 0)
    # activity-priced lines take no points
    for line in order.lines:
        if line.price_source == "activity":
            assert all(a.kind != "points" for a in line.allocations)


@settings(max_examples=200, deadline=None)
@given(lines=lines, ratio=st.integers(min_value=1, max_value=1000), percent=st.integers(min_value=1, max_value=100))
def test_asking_for_more_points_never_pays_less(lines, ratio, percent):
    def paid(points):
        order = price_order(
            PricingInput(lines=tuple(lines), points=PointsRedemption(points, ratio, max_percent=percent))
        )
        return order.total_amount, order.points_used

    small, large = paid(100), paid(10**9)
    assert large[0] <= small[0] and large[1] >= small[1]


def test_a_worked_example():
    # ¥129 tea, 100 points = ¥1, at most 50%: 10000 points ask ¥100, the cap allows ¥64.50 -> 6450 points.
    tea = LineInput(sku_id=1, product_id=1, category_id=None, quantity=1, list_price_amount=12900)
    order = price_order(PricingInput(lines=(tea,), points=PointsRedemption(10000, 100, max_percent=50)))
    assert (order.points_used, order.total_amount) == (6450, 6450)
    # 3 points per yuan: 10 points buy floor(1000/3) = 333 fen, and 333 fen need only 10 points (9.99 -> 10)
    order = price_order(PricingInput(lines=(tea,), points=PointsRedemption(10, 3)))
    assert (order.points_used, order.total_amount) == (10, 12900 - 333)
    # below the minimum: nothing
    order = price_order(PricingInput(lines=(tea,), points=PointsRedemption(50, 100, min_points=100)))
    assert (order.points_used, order.total_amount) == (0, 12900)


def test_paying_part_of_the_goods_with_points_keeps_free_shipping():
    """PROMOTIONS.md step 7 measures the free-shipping threshold after step 5 (coupons): ¥100 of goods, free from
    ¥99, ¥5 of it paid with points: shipping stays free (it was charged, the threshold read after points)."""
    from tenant_apps.pricing.engine import LineInput, PointsRedemption, PricingInput, ShippingRule, price_order

    line = LineInput(sku_id=1, product_id=1, category_id=None, quantity=1, list_price_amount=10000)
    rule = ShippingRule(kind="flat", flat_fee_amount=1000, free_over_amount=9900)
    points = PointsRedemption(points=500, points_per_yuan=100)

    priced = price_order(PricingInput(lines=(line,), shipping=rule, points=points))

    assert (priced.points_used, priced.shipping_amount, priced.total_amount) == (500, 0, 9500)
