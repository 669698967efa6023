"""Coupons as a checkout extension (tenant_apps/checkout/extensions.py): `coupon_code` of a quote becomes the
price engine's CouponOffers, and placing the order locks the coupons inside the order's transaction.

`coupon_code` carries one code, or up to three separated by commas: one product coupon, one order coupon and
one shipping coupon (PROMOTIONS.md step 5 and 7). A foreign, unknown, expired, used or locked code is a 400 on
`coupon_code` and nothing is written.
"""

from django.utils.translation import gettext as _

from micromall.errors import Invalid
from tenant_apps.checkout.interface import Contribution, QuoteRequest

from . import selectors, services
from .models import MemberCouponStatus

MAX_CODES = 3


def parse_codes(value: str) -> list[str]:
    codes = list(dict.fromkeys(part.strip().upper() for part in value.split(",") if part.strip()))
    if not codes or len(codes) > MAX_CODES:
        raise Invalid(errors={"coupon_code": [_("Give one coupon code, or at most three separated by commas.")]})
    return codes


def _refusal(coupon, now) -> str | None:
    if coupon is None:
        return _("No such coupon among yours.")
    status = selectors.display_status(coupon, now)
    if status == MemberCouponStatus.USED:
        return _("This coupon has already been used.")
    if status == MemberCouponStatus.LOCKED:
        return _("This coupon is held by another unpaid order; pay or cancel that order first.")
    if status == MemberCouponStatus.VOID:
        return _("This coupon has been withdrawn by the shop.")
    if status == MemberCouponStatus.EXPIRED:
        return _("This coupon has expired.")
    if coupon.valid_from > now:
        return _("This coupon cannot be used yet.")
    return None


class CouponsExtension:
    name = "coupons"

    def contribute(self, request: QuoteRequest) -> Contribution | None:
        if not request.coupon_code:
            return None
        if request.member_id is None:
            raise Invalid(errors={"coupon_code": [_("Sign in to use a coupon.")]})
        codes = parse_codes(request.coupon_code)
        found = selectors.by_codes(codes=codes, member_id=request.member_id)
        offers, errors = [], []
        for code in codes:
            coupon = found.get(code)
            refusal = _refusal(coupon, request.now)
            if refusal:
                errors.append(f"{code}: {refusal}" if len(codes) > 1 else refusal)
            else:
                offers.append(selectors.offer_of(coupon))
        if errors:
            raise Invalid(errors={"coupon_code": errors})
        levels = [level_of(offer) for offer in offers]
        if len(set(levels)) != len(levels):
            raise Invalid(
                errors={"coupon_code": [_("At most one product coupon, one order coupon and one shipping coupon.")]}
            )
        return Contribution(
            coupons=tuple(offers),
            handles=frozenset({"coupon_code"}),
            data={"ids": [found[offer.code].pk for offer in offers], "codes": [offer.code for offer in offers]},
        )

    def on_place(self, *, order, quote, request, contribution) -> None:
        applied = {entry.code for entry in quote.applied if entry.kind == "coupon"}
        for code in contribution.data["codes"]:
            offer = next(o for o in contribution.coupons if o.code == code)
            took = quote.shipping_discount_amount > 0 if offer.kind == "shipping" else code in applied
            if not took:
                raise Invalid(errors={"coupon_code": [_("This coupon does not apply to this order.")]})
        services.lock_for_order(
            member_coupon_ids=contribution.data["ids"],
            member_id=order.member_id,
            order_id=order.order_id,
            order_number=order.number,
            now=request.now,
        )


def level_of(offer) -> str:
    if offer.kind == "shipping":
        return "shipping"
    return "product" if offer.scope.product_ids or offer.scope.category_ids else "order"


EXTENSION = CouponsExtension()
