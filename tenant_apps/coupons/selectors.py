"""Reads for coupons. Nothing here writes: an expired coupon is *read* as expired (display_status)."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from tenant_apps.pricing.interface import CouponOffer, Scope

from .models import Coupon, MemberCoupon, MemberCouponStatus


def display_status(coupon: MemberCoupon, now: datetime) -> str:
    """unused | locked | used | expired | void: an unused coupon past its window reads as expired."""
    if coupon.status == MemberCouponStatus.UNUSED and coupon.valid_to <= now:
        return MemberCouponStatus.EXPIRED
    return coupon.status


def scope_of(coupon: MemberCoupon) -> Scope:
    scope = coupon.scope or {}
    return Scope(
        product_ids=frozenset(scope.get("products", ())),
        category_ids=frozenset(scope.get("categories", ())),
        exclude_product_ids=frozenset(scope.get("exclude_products", ())),
        exclude_category_ids=frozenset(scope.get("exclude_categories", ())),
    )


def offer_of(coupon: MemberCoupon) -> CouponOffer:
    """The member coupon as the price engine's input (its snapshotted terms)."""
    return CouponOffer(
        code=coupon.code,
        name=coupon.name,
        kind=coupon.kind,
        amount=coupon.amount,
        percent_off=coupon.percent_off,
        threshold_amount=coupon.threshold_amount,
        scope=scope_of(coupon),
        max_discount_amount=coupon.max_discount_amount,
        full_price_only=coupon.full_price_only,
    )


def coupons(*, active: bool | None = None) -> QuerySet[Coupon]:
    rows = Coupon.objects.all()
    return rows if active is None else rows.filter(is_active=active)


def coupon(coupon_id: int) -> Coupon | None:
    return Coupon.objects.filter(pk=coupon_id).first() if 0 < coupon_id < 2**63 else None


@dataclass(frozen=True)
class Claimable:
    coupon: Coupon
    held: int  # how many the member holds (0 for a guest)
    held_today: int

    @property
    def can_claim(self) -> bool:
        c = self.coupon
        return (
            c.remaining > 0
            and self.held < c.per_member_limit
            and not (c.per_member_daily_limit and self.held_today >= c.per_member_daily_limit)
        )


def claimable(*, now: datetime, member_id: int | None = None, product_id: int | None = None) -> list[Claimable]:
    """Coupons offered in the coupon centre now (active, self-claim, in the claim window), with what the member
    already holds; `product_id` keeps those whose template scope may cover that product (product-page badge;
    category scopes are kept, the page cannot tell them apart cheaply)."""
    rows = Coupon.objects.filter(is_active=True, self_claim=True, valid_from__lte=now, valid_to__gt=now)
    if product_id is not None:
        rows = rows.exclude(exclude_products__contains=[product_id]).filter(
            Q(products=[], categories=[]) | Q(products__contains=[product_id]) | ~Q(categories=[])
        )
    if member_id is not None:
        today = timezone.localdate(now)
        rows = rows.annotate(
            held=Count("issued", filter=Q(issued__member_id=member_id)),
            held_today=Count("issued", filter=Q(issued__member_id=member_id, issued__issued_on=today)),
        )
    return [
        Claimable(coupon=row, held=getattr(row, "held", 0), held_today=getattr(row, "held_today", 0))
        for row in rows.order_by("-id")[:100]
    ]


def member_coupons(*, member_id: int, status: str | None = None, now: datetime) -> list[MemberCoupon]:
    """The member's coupons, newest first; `status` filters by display status (expired included)."""
    rows = MemberCoupon.objects.filter(member_id=member_id)
    if status == MemberCouponStatus.EXPIRED:
        rows = rows.filter(status=MemberCouponStatus.UNUSED, valid_to__lte=now)
    elif status == MemberCouponStatus.UNUSED:
        rows = rows.filter(status=MemberCouponStatus.UNUSED, valid_to__gt=now)
    elif status:
        rows = rows.filter(status=status)
    return list(rows.order_by("-id")[:200])


def usable_now(*, member_id: int, now: datetime) -> list[MemberCoupon]:
    """The member's coupons that could go on an order now (unused, inside their window)."""
    return list(
        MemberCoupon.objects.filter(
            member_id=member_id, status=MemberCouponStatus.UNUSED, valid_from__lte=now, valid_to__gt=now
        ).order_by("valid_to", "id")[:50]
    )


def by_codes(*, codes: Iterable[str], member_id: int) -> dict[str, MemberCoupon]:
    return {c.code: c for c in MemberCoupon.objects.filter(code__in=list(codes), member_id=member_id)}


def usage(*, coupon_id: int) -> dict[str, int]:
    """How the issued coupons of a template stand: {unused, locked, used, void} (expired counted in unused)."""
    counts = dict(
        MemberCoupon.objects.filter(coupon_id=coupon_id)
        .values_list("status")
        .annotate(n=Count("id"))
        .values_list("status", "n")
    )
    return {status: counts.get(status, 0) for status in ("unused", "locked", "used", "void")}
