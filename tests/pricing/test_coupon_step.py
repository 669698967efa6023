"""The coupon steps on hand-written carts: threshold, percent cap, scope, full-price-only, one per level,
shipping coupons after the free-shipping rule."""

from tenant_apps.pricing.engine import CouponOffer, ItemOffer, LineInput, PricingInput, Scope, ShippingRule, price_order

TEA = LineInput(sku_id=1, product_id=10, category_id=5, quantity=1, list_price_amount=12900)
CUP = LineInput(sku_id=2, product_id=20, category_id=6, quantity=2, list_price_amount=3550)


def run(*coupons, lines=(TEA, CUP), **extra):
    return price_order(PricingInput(lines=lines, coupons=coupons, **extra))


def test_fixed_coupon_below_and_at_threshold():
    coupon = CouponOffer(code="F", name="满200减30", kind="fixed", amount=3000, threshold_amount=20000)
    assert run(coupon).discount_amount == 3000  # 12900 + 7100 = 20000
    assert run(coupon, lines=(TEA,)).discount_amount == 0


def test_percent_capped_and_allocated_by_amount():
    coupon = CouponOffer(code="P", name="88折", kind="percent", percent_off=12, max_discount_amount=2000)
    order = run(coupon)
    assert order.discount_amount == 2000
    assert {pl.sku_id: pl.discount_amount for pl in order.lines} == {1: 1290, 2: 710}


def test_scope_include_exclude_and_full_price_only():
    tea_only = CouponOffer(code="T", name="茶", kind="fixed", amount=99999, scope=Scope(product_ids=frozenset({10})))
    assert {pl.sku_id: pl.discount_amount for pl in run(tea_only).lines} == {1: 12900, 2: 0}
    not_cups = CouponOffer(
        code="X", name="x", kind="fixed", amount=1000, scope=Scope(exclude_category_ids=frozenset({6}))
    )
    assert {pl.sku_id: pl.discount_amount for pl in run(not_cups).lines} == {1: 1000, 2: 0}
    full_price = CouponOffer(code="FP", name="fp", kind="fixed", amount=1000, full_price_only=True)
    offers = (ItemOffer(sku_id=1, kind="member_price", code="M", unit_price_amount=10000),)
    order = run(full_price, item_offers=offers)
    assert {pl.sku_id: pl.discount_amount for pl in order.lines} == {1: 0, 2: 1000}


def test_one_product_coupon_then_one_order_coupon():
    product = CouponOffer(code="PR", name="茶", kind="fixed", amount=900, scope=Scope(product_ids=frozenset({10})))
    product2 = CouponOffer(code="PR2", name="茶2", kind="fixed", amount=500, scope=Scope(product_ids=frozenset({10})))
    order_level = CouponOffer(code="OR", name="全场", kind="percent", percent_off=10)
    order = run(product2, order_level, product)
    assert [(a.code, a.amount) for a in order.applied] == [("PR2", 500), ("OR", (20000 - 500) // 10)]


def test_shipping_coupon_after_free_shipping_threshold():
    rule = ShippingRule(flat_fee_amount=1200, free_over_amount=30000)
    ship = CouponOffer(code="S", name="运费券", kind="shipping", amount=1000, threshold_amount=5000)
    order = run(ship, shipping=rule)
    assert (order.shipping_amount, order.shipping_discount_amount, order.discount_amount) == (200, 1000, 0)
    assert order.total_amount == 20000 + 200
    big = CouponOffer(code="S", name="包邮券", kind="shipping", amount=99999)
    assert run(big, shipping=rule).shipping_amount == 0
    below = run(ship, lines=(CUP,), shipping=rule)  # 7100 ≥ 5000: applies; one cup alone (3550) does not
    assert below.shipping_discount_amount == 1000
    one_cup = LineInput(sku_id=2, product_id=20, category_id=6, quantity=1, list_price_amount=3550)
    assert run(ship, lines=(one_cup,), shipping=rule).shipping_discount_amount == 0
