"""The points checkout extension: `points` of a quote request become engine step 6 (PointsRedemption) and are
spent inside the order's transaction (services.spend_for_order, under the member's account lock)."""

from django.utils.translation import gettext as _

from micromall.errors import Invalid
from tenant_apps.checkout.interface import Contribution, QuoteRequest
from tenant_apps.pricing.interface import PointsRedemption

from . import selectors, services


class PointsExtension:
    name = "loyalty_points"

    def contribute(self, request: QuoteRequest) -> Contribution | None:
        if not request.points:
            return None
        if request.member_id is None:
            raise Invalid(errors={"points": [_("Sign in to pay with points.")]})
        row = selectors.loyalty_settings()
        balance = selectors.points_balance(member_id=request.member_id).balance
        if request.points > balance:
            raise Invalid(errors={"points": [_("You have %(balance)d points.") % {"balance": max(balance, 0)}]})
        if request.points < row.min_redeem_points:
            raise Invalid(
                errors={"points": [_("Use at least %(points)d points at a time.") % {"points": row.min_redeem_points}]}
            )
        return Contribution(
            points=PointsRedemption(
                points=request.points,
                points_per_yuan=row.redeem_points_per_yuan,
                min_points=row.min_redeem_points,
                max_points=row.max_redeem_points,
                max_percent=row.max_redeem_percent,
                name=_("Paid with points"),
            ),
            handles=frozenset({"points"}),
        )

    def on_place(self, *, order, quote, request, contribution) -> None:
        if quote.points_used:
            services.spend_for_order(member_id=order.member_id, order_id=order.order_id, points=quote.points_used)


points_extension = PointsExtension()
