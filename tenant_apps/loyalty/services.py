"""Writers for loyalty: settings and levels, the points ledger (spend, return, earn, unfreeze, claw back,
expire, adjust), check-ins and invitations. Keyword-only, one transaction each; domain errors only.

Every writer of a member's points locks that member's PointsAccount row first, then derives the balance from
the ledger: a spend is checked against the balance under the lock, so two orders never spend the same points.
Order-driven writers run from order events (handlers.py) and are idempotent: they compute what the ledger
should hold for the order and write only the difference.
"""

import secrets
from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Q, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from micromall.errors import Conflict, Invalid, NotFound
from tenant_apps.members.interface import Member
from tenant_apps.orders.interface import member_next_paid_order, order_refunded_amount, return_window_days

from . import rules, selectors
from .models import (
    MAX_CHECKIN_DAYS,
    MAX_LEVELS,
    CheckIn,
    EntryKind,
    GrowthEntry,
    Invitation,
    InvitationStatus,
    LoyaltySettings,
    MemberLevel,
    OrderRecord,
    PointsAccount,
    PointsEntry,
)

MAX_POINTS = 10**9
CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
INVITE_WITHIN = timedelta(days=1)  # an invitation is accepted only by a member registered this recently

SETTING_LIMITS = {
    "points_per_yuan": (0, 10_000),
    "redeem_points_per_yuan": (1, 100_000),
    "min_redeem_points": (0, MAX_POINTS),
    "max_redeem_percent": (0, 100),
    "points_freeze_days": (0, 365),
    "points_expire_days": (0, 3650),
    "growth_per_yuan": (0, 10_000),
    "checkin_growth": (0, 10_000),
    "invite_points": (0, 1_000_000),
    "invite_growth": (0, 1_000_000),
    "invite_daily_cap": (0, 1000),
}


def _whole(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


# --- settings and levels -----------------------------------------------------------------------------------


def _forget_levels() -> None:
    """The levels changed in this transaction: the snapshot is rebuilt once it commits."""
    selectors.LEVELS.changed(timezone.now())


def _check_levels(levels) -> tuple[list[dict], list[str]]:
    if not isinstance(levels, list) or len(levels) > MAX_LEVELS:
        return [], [_("Give at most %(count)d levels.") % {"count": MAX_LEVELS}]
    clean, errors = [], []
    for row in levels:
        if not isinstance(row, Mapping):
            return [], [_("Each level has a name, a growth threshold and a discount.")]
        name = row.get("name")
        threshold = row.get("growth_threshold")
        discount = row.get("discount_percent", 0)
        if not isinstance(name, str) or not name.strip() or len(name.strip()) > 30:
            errors.append(_("A level's name is 1 to 30 characters."))
        elif not _whole(threshold) or not 0 <= threshold <= MAX_POINTS:
            errors.append(_("A growth threshold is a whole number from 0 to %(max)d.") % {"max": MAX_POINTS})
        elif not _whole(discount) or not 0 <= discount <= 99:
            errors.append(_("A level discount is 0 to 99 percent."))
        else:
            clean.append({"name": name.strip(), "growth_threshold": threshold, "discount_percent": discount})
    if not errors and len({row["growth_threshold"] for row in clean}) != len(clean):
        errors.append(_("Two levels cannot have the same growth threshold."))
    return sorted(clean, key=lambda row: row["growth_threshold"]), errors


def _check_checkin_rewards(value) -> list[str]:
    if not isinstance(value, list) or len(value) > MAX_CHECKIN_DAYS:
        return [_("Give at most %(count)d daily rewards.") % {"count": MAX_CHECKIN_DAYS}]
    if any(not _whole(points) or not 0 <= points <= 1_000_000 for points in value):
        return [_("Each daily reward is a whole number of points from 0 to 1000000.")]
    return []


def _check_cumulative(value) -> list[str]:
    if not isinstance(value, list) or len(value) > MAX_CHECKIN_DAYS:
        return [_("Give at most %(count)d cumulative rewards.") % {"count": MAX_CHECKIN_DAYS}]
    days = []
    for row in value:
        if (
            not isinstance(row, Mapping)
            or not _whole(row.get("days"))
            or not 1 <= row["days"] <= MAX_CHECKIN_DAYS
            or not _whole(row.get("points"))
            or not 0 <= row["points"] <= 1_000_000
        ):
            return [_("Each cumulative reward has days (1 to 31) and points.")]
        days.append(row["days"])
    if len(set(days)) != len(days):
        return [_("Two cumulative rewards cannot have the same number of days.")]
    return []


@transaction.atomic
def update_settings(*, levels: list | None = None, **values: Any) -> LoyaltySettings:
    """Change the shop's loyalty rules (only the fields given); `levels` replaces the member levels."""
    errors: dict[str, list[str]] = {}
    row = selectors.loyalty_settings()
    known = {*SETTING_LIMITS, "max_redeem_points", "checkin_rewards", "checkin_cumulative_rewards"}
    for key in sorted(set(values) - known):
        errors[key] = [_("Unknown field.")]
    for key, (low, high) in SETTING_LIMITS.items():
        if key in values:
            value = values[key]
            if not _whole(value) or not low <= value <= high:
                errors[key] = [_("A whole number from %(low)d to %(high)d.") % {"low": low, "high": high}]
    if "max_redeem_points" in values:
        value = values["max_redeem_points"]
        if value is not None and (not _whole(value) or not 1 <= value <= MAX_POINTS):
            errors["max_redeem_points"] = [_("Empty, or a whole number from 1 to %(max)d.") % {"max": MAX_POINTS}]
    if "checkin_rewards" in values and (problems := _check_checkin_rewards(values["checkin_rewards"])):
        errors["checkin_rewards"] = problems
    if "checkin_cumulative_rewards" in values and (problems := _check_cumulative(values["checkin_cumulative_rewards"])):
        errors["checkin_cumulative_rewards"] = problems
    clean_levels = None
    if levels is not None:
        clean_levels, problems = _check_levels(levels)
        if problems:
            errors["levels"] = problems
    if not errors:
        low = values.get("min_redeem_points", row.min_redeem_points)
        high = values.get("max_redeem_points", row.max_redeem_points)
        if high is not None and low > high:
            errors["min_redeem_points"] = [_("The minimum cannot be above the maximum.")]
    if errors:
        raise Invalid(errors=errors)
    for key, value in values.items():
        setattr(row, key, value)
    row.save()
    if clean_levels is not None:
        MemberLevel.objects.all().delete()
        MemberLevel.objects.bulk_create(MemberLevel(**level) for level in clean_levels)
        _forget_levels()
    return row


@transaction.atomic
def save_level(*, level: MemberLevel) -> MemberLevel:
    """A level from the back office: name, threshold (unique) and discount checked as on the API."""
    _clean, problems = _check_levels(
        [{"name": level.name, "growth_threshold": level.growth_threshold, "discount_percent": level.discount_percent}]
    )
    if problems:
        raise Invalid(errors={"name": problems})
    if MemberLevel.objects.filter(growth_threshold=level.growth_threshold).exclude(pk=level.pk).exists():
        raise Invalid(errors={"growth_threshold": [_("Two levels cannot have the same growth threshold.")]})
    level.name = level.name.strip()
    level.save()
    _forget_levels()
    return level


@transaction.atomic
def delete_levels(*, level_ids: list[int]) -> int:
    deleted = MemberLevel.objects.filter(pk__in=level_ids).delete()[1].get(MemberLevel._meta.label, 0)
    _forget_levels()
    return deleted


# --- the points ledger -------------------------------------------------------------------------------------


def _lock_account(member_id: int) -> PointsAccount:
    """Create the member's account row if missing (no race: ON CONFLICT DO NOTHING) and lock it."""
    PointsAccount.objects.bulk_create([PointsAccount(member_id=member_id)], ignore_conflicts=True)
    return PointsAccount.objects.select_for_update().get(member_id=member_id)


def _expiry(now: datetime, row: LoyaltySettings) -> datetime | None:
    return now + timedelta(days=row.points_expire_days) if row.points_expire_days else None


def _entry(*, member_id: int, kind: str, points: int = 0, frozen: int = 0, now: datetime | None = None, **extra):
    now = now or timezone.now()
    if points > 0 and "expires_at" not in extra:
        extra["expires_at"] = _expiry(now, selectors.loyalty_settings())
    return PointsEntry.objects.create(member_id=member_id, kind=kind, points=points, frozen=frozen, **extra)


@transaction.atomic
def spend_for_order(*, member_id: int, order_id: int, points: int) -> PointsEntry | None:
    """Spend `points` on an order (checkout's on_place, inside the order's transaction): refused with
    Conflict when the balance, read under the account lock, is short; the whole order then rolls back."""
    if points <= 0:
        return None
    _lock_account(member_id)
    balance = selectors.points_balance(member_id=member_id).balance
    if balance < points:
        raise Conflict(
            _("You have %(balance)d points; this order needs %(points)d.")
            % {"balance": max(balance, 0), "points": points},
            balance=balance,
        )
    return _entry(
        member_id=member_id, kind=EntryKind.CONSUME, points=-points, order_id=order_id, reference=f"consume:{order_id}"
    )


def _return_spent(*, member_id: int, order_id: int, target: int) -> int:
    """Bring the points returned for an order up to `target` (never above what it spent)."""
    held = selectors.order_points(order_id=order_id, member_id=member_id)
    delta = min(target, held["spent"]) - held["returned"]
    if delta > 0:
        _entry(member_id=member_id, kind=EntryKind.REVERT, points=delta, order_id=order_id)
    return max(delta, 0)


@transaction.atomic
def return_for_cancelled(*, order_id: int, member_id: int) -> int:
    """order.cancelled (shopper, unpaid timeout, merchant): every point the order spent comes back."""
    _lock_account(member_id)
    return _return_spent(member_id=member_id, order_id=order_id, target=selectors.order_points(
        order_id=order_id, member_id=member_id)["spent"])  # fmt: skip


def _goods_paid(payload: Mapping[str, Any], refunded: int) -> int:
    return max(0, payload["total_amount"] - payload.get("shipping_amount", 0) - refunded)


@transaction.atomic
def earn_for_completed(*, payload: Mapping[str, Any], completed_at: datetime) -> OrderRecord | None:
    """order.completed: points_per_yuan x goods paid, frozen points_freeze_days; growth from the spend."""
    member_id, order_id = payload.get("member_id"), payload["order_id"]
    if member_id is None:
        return None
    _lock_account(member_id)
    if OrderRecord.objects.filter(order_id=order_id).exists():
        return None  # delivered twice
    row = selectors.loyalty_settings()
    # The refunds so far, read from orders too: an order.refunded delivered before this order.completed (delivery
    # order is not guaranteed) found nothing earned to claw back, and the payload's own figure predates it.
    refunded = max(payload.get("refunded_amount", 0), order_refunded_amount(order_id))
    base = _goods_paid(payload, refunded)
    points = rules.points_for(base, row.points_per_yuan)
    growth = rules.points_for(base, row.growth_per_yuan)
    record = OrderRecord.objects.create(
        order_id=order_id, member_id=member_id, base_amount=base, earned_points=points, earned_growth=growth,
        completed_at=completed_at,
    )  # fmt: skip
    if points:
        _entry(
            member_id=member_id, kind=EntryKind.FREEZE, frozen=points, order_id=order_id,
            reference=f"earn:{order_id}", available_at=completed_at + timedelta(days=row.points_freeze_days),
        )  # fmt: skip
    if growth:
        GrowthEntry.objects.create(
            member_id=member_id, kind="spend", growth=growth, order_id=order_id, reference=f"spend:{order_id}"
        )
    _invitation_completed(member_id=member_id, order_id=order_id, completed_at=completed_at)
    return record


@transaction.atomic
def settle_refund(*, payload: Mapping[str, Any]) -> dict[str, int]:
    """order.refunded (running total `refunded_amount`): spent points come back in proportion to the goods
    refunded, earned points and growth are clawed back in proportion to the goods refunded. A claw-back takes
    frozen points first, then spendable ones: the balance may go negative rather than keep spent points."""
    member_id, order_id = payload.get("member_id"), payload["order_id"]
    if member_id is None:
        return {"returned": 0, "clawed": 0}
    total, refunded = payload["total_amount"], payload.get("refunded_amount", 0)
    full = refunded >= total
    if not (
        PointsEntry.objects.filter(order_id=order_id).exists() or OrderRecord.objects.filter(order_id=order_id).exists()
    ):  # no points spent or earned on this order: no account to open, only a first order's invitation to settle
        if full:
            _invitation_order_refunded(member_id=member_id, order_id=order_id)
        return {"returned": 0, "clawed": 0}
    _lock_account(member_id)
    held = selectors.order_points(order_id=order_id, member_id=member_id)
    # Points paid for goods only (shipping takes none), so goods are compared with goods: money refunded is taken
    # as goods first (shipping last), as commission reversals do. Against the total with shipping, refunding one
    # line gave back less than the points its share had used.
    goods = total - payload.get("shipping_amount", 0)
    returned = _return_spent(
        member_id=member_id, order_id=order_id,
        target=held["spent"] if full else rules.share(held["spent"], min(refunded, goods), goods),
    )  # fmt: skip
    clawed = 0
    record = OrderRecord.objects.filter(order_id=order_id).first()
    if record is not None:
        base_now = _goods_paid(payload, refunded)
        target = rules.share(record.earned_points, base_now, record.base_amount)
        held = selectors.order_points(order_id=order_id, member_id=member_id)
        clawed = held["earned"] - target
        if clawed > 0:
            from_frozen = min(clawed, max(held["frozen"], 0))
            _entry(
                member_id=member_id, kind=EntryKind.CLAWBACK, frozen=-from_frozen, points=-(clawed - from_frozen),
                order_id=order_id,
            )  # fmt: skip
        growth_target = rules.share(record.earned_growth, base_now, record.base_amount)
        growth_delta = selectors.order_growth(order_id=order_id, member_id=member_id) - growth_target
        if growth_delta > 0:
            GrowthEntry.objects.create(member_id=member_id, kind="refund", growth=-growth_delta, order_id=order_id)
    if full:
        _invitation_order_refunded(member_id=member_id, order_id=order_id)
    return {"returned": returned, "clawed": max(clawed, 0)}


@transaction.atomic
def unfreeze_due(*, now: datetime | None = None) -> int:
    """Beat: earned points whose freeze is over become spendable (what claw-backs left of them)."""
    now = now or timezone.now()
    done = 0
    released = PointsEntry.objects.filter(kind=EntryKind.UNFREEZE).values("order_id")
    due = (
        PointsEntry.objects.filter(kind=EntryKind.FREEZE, available_at__lte=now)
        .exclude(order_id__in=released)
        .values_list("member_id", "order_id")
    )
    for member_id, order_id in sorted(set(due)):
        _lock_account(member_id)
        if PointsEntry.objects.filter(reference=f"unfreeze:{order_id}").exists():
            continue
        left = selectors.order_points(order_id=order_id, member_id=member_id)["frozen"]
        _entry(
            member_id=member_id, kind=EntryKind.UNFREEZE, frozen=-left, points=left, order_id=order_id,
            reference=f"unfreeze:{order_id}", now=now,
        )  # fmt: skip
        done += 1
    return done


@transaction.atomic
def expire_due(*, now: datetime | None = None) -> int:
    """Beat: points past their validity that were not spent (first in, first out) expire."""
    now = now or timezone.now()
    expired_total = 0
    members = (
        PointsEntry.objects.filter(expires_at__lte=now, points__gt=0).values_list("member_id", flat=True).distinct()
    )
    for member_id in sorted(set(members)):
        _lock_account(member_id)
        rows = PointsEntry.objects.filter(member_id=member_id)
        sums = rows.aggregate(
            credits=Coalesce(Sum("points", filter=Q(points__gt=0, expires_at__lte=now)), Value(0)),
            debits=Coalesce(Sum("points", filter=Q(points__lt=0) & ~Q(kind=EntryKind.EXPIRE)), Value(0)),
            expired=Coalesce(Sum("points", filter=Q(kind=EntryKind.EXPIRE)), Value(0)),
            balance=Coalesce(Sum("points"), Value(0)),
        )
        amount = rules.to_expire(
            expired_credits=sums["credits"], debits=-sums["debits"], already_expired=-sums["expired"],
            balance=sums["balance"],
        )  # fmt: skip
        if amount > 0:
            _entry(member_id=member_id, kind=EntryKind.EXPIRE, points=-amount, now=now)
            expired_total += amount
    return expired_total


@transaction.atomic
def adjust_points(*, member_id: int, points: Any, reason: Any, by: str) -> PointsEntry:
    """A merchant's manual adjustment (audited: who, why, when). A deduction may not go below zero."""
    errors = {}
    if not _whole(points) or points == 0 or not -MAX_POINTS <= points <= MAX_POINTS:
        errors["points"] = [
            _("A whole number of points other than 0, at most %(max)d either way.") % {"max": MAX_POINTS}
        ]
    if not isinstance(reason, str) or not reason.strip() or len(reason.strip()) > 200:
        errors["reason"] = [_("Say why, in at most 200 characters.")]
    if errors:
        raise Invalid(errors=errors)
    if not Member.objects.filter(pk=member_id).exists():
        raise NotFound(_("No such member."))
    _lock_account(member_id)
    if points < 0 and selectors.points_balance(member_id=member_id).balance + points < 0:
        raise Invalid(errors={"points": [_("The member does not have that many points.")]})
    return _entry(member_id=member_id, kind=EntryKind.ADJUST, points=points, reason=reason.strip(), by=by[:254])


# --- check-in ----------------------------------------------------------------------------------------------


@transaction.atomic
def check_in(*, member, now: datetime | None = None) -> CheckIn:
    """Today's check-in (the shop's local date): streak reward plus this month's cumulative bonus, credited
    at once, and growth. A second check-in the same local day -> Conflict (the unique constraint decides)."""
    now = now or timezone.now()
    today = selectors.local_date(now)
    row = selectors.loyalty_settings()
    _lock_account(member.pk)
    previous = CheckIn.objects.filter(member_id=member.pk, local_date=today - timedelta(days=1)).first()
    streak = previous.streak + 1 if previous else 1
    month_days = CheckIn.objects.filter(member_id=member.pk, local_date__gte=today.replace(day=1)).count() + 1
    points = rules.checkin_reward(streak, row.checkin_rewards) + rules.cumulative_bonus(
        month_days, row.checkin_cumulative_rewards
    )
    try:
        with transaction.atomic():
            checkin = CheckIn.objects.create(member_id=member.pk, local_date=today, streak=streak, points=points)
    except IntegrityError:
        raise Conflict(_("You have already checked in today.")) from None
    if points:
        _entry(member_id=member.pk, kind=EntryKind.CHECKIN, points=points, now=now, reference=f"checkin:{checkin.pk}")
    if row.checkin_growth:
        GrowthEntry.objects.create(
            member_id=member.pk, kind="checkin", growth=row.checkin_growth, reference=f"checkin:{checkin.pk}"
        )
    return checkin


# --- invitations -------------------------------------------------------------------------------------------


@transaction.atomic
def invite_code(*, member) -> str:
    """The member's invitation code (made on first use)."""
    account = _lock_account(member.pk)
    if account.invite_code:
        return account.invite_code
    for _attempt in range(5):
        code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(8))
        if not PointsAccount.objects.filter(invite_code=code).exists():
            PointsAccount.objects.filter(pk=account.pk).update(invite_code=code)
            return code
    raise Conflict(_("Please try again."))


@transaction.atomic
def accept_invitation(*, member, code: Any, now: datetime | None = None) -> Invitation:
    """A newly registered member names who invited them (once, within a day of registering, not themself)."""
    now = now or timezone.now()
    inviter = selectors.account_by_code(code) if isinstance(code, str) else None
    if inviter is None:
        raise Invalid(errors={"code": [_("No such invitation code.")]})
    if inviter.member_id == member.pk:
        raise Invalid(errors={"code": [_("You cannot invite yourself.")]})
    _lock_account(member.pk)
    if Invitation.objects.filter(invitee_id=member.pk).exists():
        raise Conflict(_("You have already accepted an invitation."))
    if member.created < now - INVITE_WITHIN:
        raise Conflict(_("Invitations are for new members only."))
    return Invitation.objects.create(invitee_id=member.pk, inviter_id=inviter.member_id)


@transaction.atomic
def invitation_paid(*, member_id: int | None, order_id: int) -> bool:
    """order.paid: the invitee's first paid order starts qualifying (completion starts its return window)."""
    if member_id is None:
        return False
    return bool(
        Invitation.objects.filter(invitee_id=member_id, status=InvitationStatus.WAITING, order_id__isnull=True).update(
            order_id=order_id
        )
    )


def _invitation_completed(*, member_id: int, order_id: int, completed_at: datetime) -> None:
    Invitation.objects.filter(invitee_id=member_id, order_id=order_id, status=InvitationStatus.WAITING).update(
        status=InvitationStatus.QUALIFYING, due_at=completed_at + timedelta(days=return_window_days())
    )


def _invitation_order_refunded(*, member_id: int, order_id: int) -> None:
    """A first order refunded in full does not count: the invitee's next paid order qualifies instead, one already
    paid (and perhaps completed) before this refund included; with none, the next order.paid attaches one."""
    invitation = Invitation.objects.filter(
        invitee_id=member_id, order_id=order_id, status__in=[InvitationStatus.WAITING, InvitationStatus.QUALIFYING]
    )
    following = member_next_paid_order(member_id=member_id, exclude_order_id=order_id)
    if following is None:
        invitation.update(status=InvitationStatus.WAITING, order_id=None, due_at=None)
        return
    next_id, completed_at = following
    if completed_at is None:
        invitation.update(status=InvitationStatus.WAITING, order_id=next_id, due_at=None)
    else:
        due_at = completed_at + timedelta(days=return_window_days())
        invitation.update(status=InvitationStatus.QUALIFYING, order_id=next_id, due_at=due_at)


@transaction.atomic
def reward_due_invitations(*, now: datetime | None = None) -> int:
    """Beat: invitations whose first order cleared its return window reward the inviter, at most
    invite_daily_cap per inviter per local day (more are marked capped and not paid)."""
    now = now or timezone.now()
    row = selectors.loyalty_settings()
    today = selectors.local_date(now)
    rewarded = 0
    due = Invitation.objects.filter(status=InvitationStatus.QUALIFYING, due_at__lte=now).order_by("due_at", "pk")
    for invitation_id, inviter_id in list(due.values_list("pk", "inviter_id")):
        _lock_account(inviter_id)
        invitation = Invitation.objects.select_for_update().get(pk=invitation_id)
        if invitation.status != InvitationStatus.QUALIFYING:
            continue
        today_count = Invitation.objects.filter(
            inviter_id=inviter_id, status=InvitationStatus.REWARDED, reward_date=today
        ).count()
        if today_count >= row.invite_daily_cap:
            invitation.status = InvitationStatus.CAPPED
            invitation.save(update_fields=["status"])
            continue
        invitation.status, invitation.rewarded_at, invitation.reward_date = InvitationStatus.REWARDED, now, today
        invitation.save(update_fields=["status", "rewarded_at", "reward_date"])
        if row.invite_points:
            _entry(
                member_id=inviter_id, kind=EntryKind.INVITE, points=row.invite_points, now=now,
                reference=f"invite:{invitation.pk}",
            )  # fmt: skip
        if row.invite_growth:
            GrowthEntry.objects.create(
                member_id=inviter_id, kind="invite", growth=row.invite_growth, reference=f"invite:{invitation.pk}"
            )
        rewarded += 1
    return rewarded
