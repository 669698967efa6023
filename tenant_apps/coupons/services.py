"""Writers for coupons: templates, issuing (self-claim, registration, staff, rewards, segments), and the
member coupon's state machine driven by order placement and the order events. One transaction per function.

Stock and limits under concurrency: issuing takes stock with a guarded UPDATE on the template row
(`issued_count + n <= total_quantity`), which also holds that row's lock until commit, so the per-member
counts read after it are serialised per template: N shoppers racing for the last K coupons get exactly K, and
one shopper racing with themself never passes the per-member limits.
"""

import secrets
from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from micromall.errors import Conflict, Invalid, NotFound
from tenant_apps.catalog.interface import category_rows, existing_product_ids
from tenant_apps.members.interface import Member

from .models import Coupon, CouponKind, IssueSource, MemberCoupon, MemberCouponStatus, Validity

CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I
CODE_LENGTH = 12
MAX_AMOUNT = 10**10  # ¥100,000,000.00
MAX_QUANTITY = 10_000_000
MAX_SCOPE_IDS = 500
MAX_BULK_MEMBERS = 10_000

COUPON_FIELDS = (
    "name",
    "kind",
    "amount",
    "amount_min",
    "amount_max",
    "percent_off",
    "max_discount_amount",
    "threshold_amount",
    "full_price_only",
    "total_quantity",
    "per_member_limit",
    "per_member_daily_limit",
    "valid_from",
    "valid_to",
    "validity",
    "valid_after_days",
    "valid_days",
    "products",
    "categories",
    "exclude_products",
    "exclude_categories",
    "self_claim",
    "issue_on_register",
    "is_active",
)


# --- templates -----------------------------------------------------------------------------------------------


def _whole(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _check_ids(values, field: str, known: set[int] | None, errors: dict) -> None:
    if not isinstance(values, (list, tuple)) or len(values) > MAX_SCOPE_IDS:
        errors[field] = [_("Give a list of at most %(max)d ids.") % {"max": MAX_SCOPE_IDS}]
    elif any(not _whole(v) or not 0 < v < 2**63 for v in values):
        errors[field] = [_("Not a valid id.")]
    elif known is not None and set(values) - known:
        errors[field] = [
            _("No such item in this shop: %(ids)s.") % {"ids": ", ".join(map(str, sorted(set(values) - known)))}
        ]


def check_coupon(values: Mapping[str, Any], *, issued_count: int = 0) -> dict[str, list[str]]:
    """Field errors of a coupon template's values (all fields present); {} when valid."""
    errors: dict[str, list[str]] = {}

    def amount(field: str, *, minimum: int = 1) -> int | None:
        value = values.get(field)
        if not _whole(value) or not minimum <= value <= MAX_AMOUNT:
            errors[field] = [_("Give a whole number of fen from %(min)d.") % {"min": minimum}]
            return None
        return value

    name = values.get("name")
    if not isinstance(name, str) or not name.strip() or len(name) > 60:
        errors["name"] = [_("Give a name of at most 60 characters.")]
    kind = values.get("kind")
    if kind not in CouponKind.values:
        errors["kind"] = [_("Choose fixed, percent, random or shipping.")]
    elif kind in (CouponKind.FIXED, CouponKind.SHIPPING):
        amount("amount")
    elif kind == CouponKind.PERCENT:
        percent = values.get("percent_off")
        if not _whole(percent) or not 1 <= percent <= 99:
            errors["percent_off"] = [
                _("The percent off is a whole number from 1 to 99 (12 means the shopper pays 88 percent).")
            ]
        if values.get("max_discount_amount") is not None:
            amount("max_discount_amount")
    elif kind == CouponKind.RANDOM:
        low, high = amount("amount_min"), amount("amount_max")
        if low is not None and high is not None and high < low:
            errors["amount_max"] = [_("The highest amount must not be below the lowest.")]
    amount("threshold_amount", minimum=0)
    total = values.get("total_quantity")
    if not _whole(total) or not 1 <= total <= MAX_QUANTITY:
        errors["total_quantity"] = [_("Give a stock from 1 to %(max)d.") % {"max": MAX_QUANTITY}]
    elif total < issued_count:
        errors["total_quantity"] = [
            _("%(issued)d coupons have already been issued: the stock cannot go below that.") % {"issued": issued_count}
        ]
    limit = values.get("per_member_limit")
    if not _whole(limit) or not 1 <= limit <= 1000:
        errors["per_member_limit"] = [_("Give a limit per member from 1 to 1000.")]
    daily = values.get("per_member_daily_limit")
    if not _whole(daily) or not 0 <= daily <= 1000:
        errors["per_member_daily_limit"] = [_("Give a daily limit from 0 (none) to 1000.")]
    start, end = values.get("valid_from"), values.get("valid_to")
    if not isinstance(start, datetime):
        errors["valid_from"] = [_("Give a date and time.")]
    if not isinstance(end, datetime):
        errors["valid_to"] = [_("Give a date and time.")]
    elif isinstance(start, datetime) and end <= start:
        errors["valid_to"] = [_("The end must be after the start.")]
    validity = values.get("validity")
    if validity not in Validity.values:
        errors["validity"] = [_("Choose fixed or relative validity.")]
    elif validity == Validity.RELATIVE:
        after, days = values.get("valid_after_days"), values.get("valid_days")
        if not _whole(after) or not 0 <= after <= 365:
            errors["valid_after_days"] = [_("Give 0 to 365 days.")]
        if not _whole(days) or not 1 <= days <= 3650:
            errors["valid_days"] = [_("Give 1 to 3650 days.")]
    products = [*values.get("products", []), *values.get("exclude_products", [])]
    known_products = None
    if all(_whole(p) and 0 < p < 2**63 for p in products) and len(products) <= 2 * MAX_SCOPE_IDS:
        known_products = existing_product_ids(products) if products else set()
    known_categories = (
        {row[0] for row in category_rows()} if values.get("categories") or values.get("exclude_categories") else set()
    )
    _check_ids(values.get("products", []), "scope.products", known_products, errors)
    _check_ids(values.get("exclude_products", []), "scope.exclude_products", known_products, errors)
    _check_ids(values.get("categories", []), "scope.categories", known_categories, errors)
    _check_ids(values.get("exclude_categories", []), "scope.exclude_categories", known_categories, errors)
    return errors


DEFAULTS = {
    "amount": 0,
    "amount_min": 0,
    "amount_max": 0,
    "percent_off": 0,
    "max_discount_amount": None,
    "threshold_amount": 0,
    "full_price_only": False,
    "per_member_limit": 1,
    "per_member_daily_limit": 0,
    "validity": Validity.FIXED,
    "valid_after_days": 0,
    "valid_days": 0,
    "products": [],
    "categories": [],
    "exclude_products": [],
    "exclude_categories": [],
    "self_claim": True,
    "issue_on_register": False,
    "is_active": True,
}


@transaction.atomic
def create_coupon(**values) -> Coupon:
    """A new coupon template; Invalid with field messages (nothing written) on bad values."""
    unknown = set(values) - set(COUPON_FIELDS)
    if unknown:
        raise Invalid(errors={field: [_("Unknown field.")] for field in sorted(unknown)})
    merged = {**DEFAULTS, **values}
    errors = check_coupon(merged)
    if errors:
        raise Invalid(errors=errors)
    return Coupon.objects.create(**{field: merged.get(field) for field in COUPON_FIELDS})


@transaction.atomic
def update_coupon(*, coupon_id: int, **changes) -> Coupon:
    """Change a template (row-locked, so the stock check sees every issue). Coupons already issued keep the
    terms they were issued with; the stock may not go below what was issued, and issued_count is never reset."""
    unknown = set(changes) - set(COUPON_FIELDS)
    if unknown:
        raise Invalid(errors={field: [_("Unknown field.")] for field in sorted(unknown)})
    coupon = Coupon.objects.select_for_update().filter(pk=coupon_id).first()
    if coupon is None:
        raise NotFound(_("No such coupon."))
    merged = {field: getattr(coupon, field) for field in COUPON_FIELDS} | changes
    errors = check_coupon(merged, issued_count=coupon.issued_count)
    if errors:
        raise Invalid(errors=errors)
    for field, value in changes.items():
        setattr(coupon, field, value)
    coupon.save()
    return coupon


@transaction.atomic
def delete_coupons(*, coupon_ids: Iterable[int]) -> int:
    """Delete templates nobody holds a coupon of; a template already issued is deactivated instead."""
    ids = list(coupon_ids)
    held = set(MemberCoupon.objects.filter(coupon_id__in=ids).values_list("coupon_id", flat=True).distinct())
    Coupon.objects.filter(pk__in=held).update(is_active=False)
    return Coupon.objects.filter(pk__in=set(ids) - held).delete()[1].get(Coupon._meta.label, 0)


# --- issuing -------------------------------------------------------------------------------------------------


def _new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def _expanded_categories(ids: Iterable[int]) -> list[int]:
    """The categories and their descendants (a product in a sub-category is in its parent's scope)."""
    wanted = set(ids)
    if not wanted:
        return []
    rows = category_rows()  # parents before children
    for pk, parent, _name, _slug in rows:
        if parent in wanted:
            wanted.add(pk)
    return sorted(wanted)


def _terms(coupon: Coupon, now: datetime) -> dict[str, Any]:
    """The snapshot a member coupon keeps: amounts (a random one drawn now), scope and its own window."""
    if coupon.validity == Validity.RELATIVE:
        start = now + timedelta(days=coupon.valid_after_days)
        end = start + timedelta(days=coupon.valid_days)
    else:
        start, end = coupon.valid_from, coupon.valid_to
    kind, amount = coupon.kind, coupon.amount
    if kind == CouponKind.RANDOM:
        kind, amount = (
            CouponKind.FIXED,
            coupon.amount_min + secrets.randbelow(coupon.amount_max - coupon.amount_min + 1),
        )
    return {
        "name": coupon.name,
        "kind": kind,
        "amount": amount,
        "percent_off": coupon.percent_off,
        "max_discount_amount": coupon.max_discount_amount,
        "threshold_amount": coupon.threshold_amount,
        "full_price_only": coupon.full_price_only,
        "scope": {
            "products": list(coupon.products),
            "categories": _expanded_categories(coupon.categories),
            "exclude_products": list(coupon.exclude_products),
            "exclude_categories": _expanded_categories(coupon.exclude_categories),
        },
        "valid_from": start,
        "valid_to": end,
    }


def _take_stock(coupon_id: int, count: int) -> Coupon:
    """Take `count` from the template's stock with a guarded UPDATE (the row stays locked until commit)."""
    taken = Coupon.objects.filter(pk=coupon_id, is_active=True, issued_count__lte=F("total_quantity") - count).update(
        issued_count=F("issued_count") + count
    )
    coupon = Coupon.objects.filter(pk=coupon_id).first()
    if coupon is None:
        raise NotFound(_("No such coupon."))
    if not taken:
        if not coupon.is_active:
            raise Conflict(_("This coupon is no longer offered."), coupon_id=coupon_id)
        raise Conflict(_("This coupon has all been claimed."), coupon_id=coupon_id)
    return coupon


def _create(coupon: Coupon, members: list[int], *, source: str, reason: str, now: datetime) -> list[MemberCoupon]:
    today = timezone.localdate(now)
    for _attempt in range(5):
        rows = [
            MemberCoupon(
                coupon=coupon, member_id=member_id, code=_new_code(), source=source, reason=reason[:100],
                issued_on=today, **_terms(coupon, now),
            )
            for member_id in members
        ]  # fmt: skip
        try:
            with transaction.atomic():
                return MemberCoupon.objects.bulk_create(rows)
        except IntegrityError:  # a code collision (1 in 10^18): draw again
            continue
    raise Conflict(_("Could not issue the coupon; please try again."))


def _check_member_limits(coupon: Coupon, member_id: int, now: datetime) -> None:
    held = MemberCoupon.objects.filter(coupon=coupon, member_id=member_id)
    if held.count() >= coupon.per_member_limit:
        raise Conflict(
            _("You already have the most of this coupon one member may claim (%(limit)d).")
            % {"limit": coupon.per_member_limit},
            coupon_id=coupon.pk,
        )
    if coupon.per_member_daily_limit and (
        held.filter(issued_on=timezone.localdate(now)).count() >= coupon.per_member_daily_limit
    ):
        raise Conflict(
            _("You have claimed this coupon as often as allowed today (%(limit)d); come back tomorrow.")
            % {"limit": coupon.per_member_daily_limit},
            coupon_id=coupon.pk,
        )


@transaction.atomic
def claim(*, member, coupon_id: int, now: datetime | None = None) -> MemberCoupon:
    """Self-claim in the coupon centre: the template must be offered for claiming and in its claim window;
    Conflict when sold out or over the per-member limit (total or per day)."""
    now = now or timezone.now()
    offered = Coupon.objects.filter(pk=coupon_id, self_claim=True).first()
    if offered is None:
        raise NotFound(_("No such coupon."))
    if not offered.valid_from <= now < offered.valid_to:
        raise Conflict(_("This coupon cannot be claimed now."), coupon_id=coupon_id)
    coupon = _take_stock(coupon_id, 1)
    _check_member_limits(coupon, member.pk, now)  # after the UPDATE: serialised by the template's row lock
    return _create(coupon, [member.pk], source=IssueSource.CLAIM, reason="", now=now)[0]


def _members_exist(member_ids: list[int]) -> None:
    found = set(Member.objects.filter(pk__in=member_ids, is_active=True).values_list("pk", flat=True))
    missing = sorted(set(member_ids) - found)
    if missing:
        raise Invalid(
            errors={"member_ids": [_("No such member: %(ids)s.") % {"ids": ", ".join(map(str, missing[:20]))}]}
        )


@transaction.atomic
def issue_coupon(
    *, coupon_id: int, member_id: int, source: str = IssueSource.REWARD, reason: str = "", now=None
) -> MemberCoupon:
    """Give one coupon to a member (staff, or a reward from another app). It takes stock (Conflict when sold
    out) but is not bound by the per-member claim limits, which are for self-claim."""
    if source not in IssueSource.values:
        raise Invalid(errors={"source": [_("Unknown source.")]})
    if not _whole(member_id):
        raise Invalid(errors={"member_id": [_("Not a valid member id.")]})
    _members_exist([member_id])
    now = now or timezone.now()
    coupon = _take_stock(coupon_id, 1)
    return _create(coupon, [member_id], source=source, reason=reason, now=now)[0]


@transaction.atomic
def issue_to_members(
    *, coupon_id: int, member_ids: Iterable[int], source: str = IssueSource.STAFF, reason: str = "", now=None
) -> list[MemberCoupon]:
    """One coupon to each of `member_ids` (a CRM segment): all or nothing. Conflict when the remaining stock
    does not cover them all; Invalid for unknown members."""
    ids = list(dict.fromkeys(member_ids))
    if not ids or len(ids) > MAX_BULK_MEMBERS or not all(_whole(i) and 0 < i < 2**63 for i in ids):
        raise Invalid(errors={"member_ids": [_("Give 1 to %(max)d member ids.") % {"max": MAX_BULK_MEMBERS}]})
    if source not in IssueSource.values:
        raise Invalid(errors={"source": [_("Unknown source.")]})
    _members_exist(ids)
    now = now or timezone.now()
    coupon = _take_stock(coupon_id, len(ids))
    return _create(coupon, ids, source=source, reason=reason, now=now)


def issue_on_registration(*, member, now=None) -> list[MemberCoupon]:
    """New-member coupons (templates with issue_on_register, active and in their window). Runs inside the
    registration transaction; a sold-out template is skipped, never a reason to refuse the registration."""
    now = now or timezone.now()
    issued = []
    templates = Coupon.objects.filter(is_active=True, issue_on_register=True, valid_from__lte=now, valid_to__gt=now)
    for coupon_id in templates.values_list("pk", flat=True):
        try:
            with transaction.atomic():
                coupon = _take_stock(coupon_id, 1)
                issued += _create(coupon, [member.pk], source=IssueSource.REGISTER, reason="", now=now)
        except Conflict:
            continue
    return issued


@transaction.atomic
def void_member_coupons(*, member_coupon_ids: Iterable[int]) -> int:
    """Staff voids coupons not yet used (unused or locked); returns how many."""
    return MemberCoupon.objects.filter(
        pk__in=list(member_coupon_ids), status__in=[MemberCouponStatus.UNUSED, MemberCouponStatus.LOCKED]
    ).update(status=MemberCouponStatus.VOID)


# --- orders --------------------------------------------------------------------------------------------------


def lock_for_order(*, member_coupon_ids: list[int], member_id: int, order_id: int, order_number: str, now) -> None:
    """unused -> locked inside the order's transaction, with a guarded UPDATE per coupon: of two orders using
    one coupon at once only one passes; the other is refused (Invalid on coupon_code) and rolls back."""
    for pk in member_coupon_ids:
        locked = MemberCoupon.objects.filter(
            pk=pk, member_id=member_id, status=MemberCouponStatus.UNUSED, valid_from__lte=now, valid_to__gt=now
        ).update(status=MemberCouponStatus.LOCKED, order_id=order_id, order_number=order_number, locked_at=now)
        if not locked:
            raise Invalid(errors={"coupon_code": [_("This coupon has already been used.")]})


@transaction.atomic
def mark_used(*, order_id: int, now=None) -> int:
    """order.paid: the order's locked coupons become used (idempotent)."""
    return MemberCoupon.objects.filter(order_id=order_id, status=MemberCouponStatus.LOCKED).update(
        status=MemberCouponStatus.USED, used_at=now or timezone.now()
    )


@transaction.atomic
def release(*, order_id: int) -> int:
    """order.cancelled (by the shopper, staff or the unpaid timeout): the order's locked coupons are unused
    again (idempotent; a coupon whose window has passed then reads as expired)."""
    return MemberCoupon.objects.filter(order_id=order_id, status=MemberCouponStatus.LOCKED).update(
        status=MemberCouponStatus.UNUSED, order_id=None, order_number="", locked_at=None
    )


@transaction.atomic
def return_after_refund(*, order_id: int) -> int:
    """order.refunded for the whole order (e.g. a failed group buy): its used coupons go back to the member
    (idempotent). A partial refund keeps the coupon used: its discount stays allocated to the kept lines. A coupon
    still locked (the order's order.paid has not reached us yet: delivery order is not guaranteed) goes back too,
    so that late order.paid finds nothing locked to mark used."""
    used_or_locked = [MemberCouponStatus.USED, MemberCouponStatus.LOCKED]
    return MemberCoupon.objects.filter(order_id=order_id, status__in=used_or_locked).update(
        status=MemberCouponStatus.UNUSED, order_id=None, order_number="", locked_at=None, used_at=None
    )
