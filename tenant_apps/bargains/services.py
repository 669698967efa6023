"""Bargain writers: one transaction each.

Lock order: the (activity, member) advisory lock, then the session row, then the activity row (a guarded UPDATE).
"""

import random
from datetime import datetime, timedelta

from django.db import IntegrityError, connection, transaction
from django.db.models import F, Min
from django.utils import timezone
from django.utils.translation import gettext as _

from micromall.errors import Conflict, Invalid, NotFound
from tenant_apps.catalog.interface import MAX_PRICE_AMOUNT, skus_for_sale
from tenant_apps.marketing.interface import (
    ActivityStatus,
    change_activity_status,
    check_activity,
    entries_changed,
    is_live,
    note_boundary,
)
from tenant_apps.orders.interface import LateOrder

from . import rules
from .models import MAX_HELPERS, MAX_HOURS, Bargain, BargainHelp, BargainSession, CutMode, SessionStatus

MAX_STOCK = 10**7
ACTIVITY_FIELDS = ("title", "starts_at", "ends_at", "sku_id", "floor_price_amount", "helpers_needed", "hours",
                   "stock", "cut_mode", "pay_at_any_price", "per_helper_limit")  # fmt: skip
DEFAULTS = {"cut_mode": CutMode.RANDOM, "pay_at_any_price": False, "per_helper_limit": 0}
_rng = random.SystemRandom()


def _whole(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _check(values: dict, sold: int = 0) -> tuple[dict[str, list[str]], int | None]:
    """Field messages for an activity's values, and the SKU's product id when the SKU is fine."""
    errors = check_activity(values)
    helpers = values.get("helpers_needed")
    if not _whole(helpers) or not 1 <= helpers <= MAX_HELPERS:
        errors["helpers_needed"] = [_("From 1 to %(max)s helpers.") % {"max": MAX_HELPERS}]
    hours = values.get("hours")
    if not _whole(hours) or not 1 <= hours <= MAX_HOURS:
        errors["hours"] = [_("Between 1 hour and 7 days (168 hours).")]
    if values.get("cut_mode") not in CutMode.values:
        errors["cut_mode"] = [_("Random or equal cuts.")]
    if not _whole(values.get("per_helper_limit")) or not 0 <= values["per_helper_limit"] <= MAX_STOCK:
        errors["per_helper_limit"] = [_("A whole number, 0 for no limit.")]
    sku_id, floor, stock = values.get("sku_id"), values.get("floor_price_amount"), values.get("stock")
    sku = skus_for_sale([sku_id]).get(sku_id) if _whole(sku_id) and 0 < sku_id < 2**63 else None
    if sku is None:
        errors["sku_id"] = [_("No such SKU in this shop.")]
    if not _whole(floor) or not 1 <= floor < MAX_PRICE_AMOUNT:
        errors["floor_price_amount"] = [_("A price of at least 0.01.")]
    elif sku is not None and floor >= sku.price_amount:
        errors["floor_price_amount"] = [_("The floor price must be below the SKU's price.")]
    elif sku is not None and _whole(helpers) and sku.price_amount - floor < helpers:
        errors["floor_price_amount"] = [_("Leave at least 0.01 to cut for each helper.")]
    if not _whole(stock) or not 0 <= stock <= MAX_STOCK:
        errors["stock"] = [_("A whole number of units, 0 or more.")]
    elif stock < sold:
        errors["stock"] = [_("%(sold)s units are already sold: the stock cannot go below that.") % {"sold": sold}]
    elif sku is not None and stock - sold > sku.stock:
        errors["stock"] = [_("The SKU has only %(stock)s units in stock.") % {"stock": sku.stock}]
    return errors, (sku.product_id if sku is not None else None)


@transaction.atomic
def create_bargain(**values) -> Bargain:
    """A new bargain (draft); Invalid with field messages when anything is wrong."""
    merged = {**DEFAULTS, **{k: v for k, v in values.items() if k in ACTIVITY_FIELDS}}
    if isinstance(merged.get("title"), str):
        merged["title"] = merged["title"].strip()
    errors, product_id = _check(merged)
    if errors:
        raise Invalid(errors=errors)
    return Bargain.objects.create(status=ActivityStatus.DRAFT, product_id=product_id, **merged)


@transaction.atomic
def update_bargain(*, activity_id: int, **values) -> Bargain:
    """Change an activity that has not ended. Live sessions keep the rules they started with (snapshot); the SKU
    and the start change only before publishing; the stock never goes below what was sold."""
    activity = _locked(activity_id)
    if activity.status in (ActivityStatus.ENDED, ActivityStatus.INVALIDATED) or timezone.now() >= activity.ends_at:
        raise Conflict(_("An activity that has ended cannot be changed."), status=activity.status)
    merged = {name: getattr(activity, name) for name in ACTIVITY_FIELDS}
    merged.update({k: v for k, v in values.items() if k in ACTIVITY_FIELDS})
    errors, product_id = _check(merged, sold=activity.sold)
    if activity.status != ActivityStatus.DRAFT:
        for name in ("starts_at", "sku_id"):
            if merged[name] != getattr(activity, name):
                errors[name] = [_("This can only be changed before the activity is published.")]
    if errors:
        raise Invalid(errors=errors)
    for name, value in merged.items():
        setattr(activity, name, value)
    activity.product_id = product_id
    activity.save()
    entries_changed()  # the product pages' 砍价 entries show the new floor price
    return activity


def change_status(*, activity_id: int, action: str) -> Bargain:
    if not (0 < activity_id < 2**63 and Bargain.objects.filter(pk=activity_id).exists()):
        raise NotFound(_("Bargain not found."))
    return change_activity_status(Bargain, activity_id=activity_id, action=action)


def _locked(activity_id: int) -> Bargain:
    activity = Bargain.objects.select_for_update().filter(pk=activity_id).first() if 0 < activity_id < 2**63 else None
    if activity is None:
        raise NotFound(_("Bargain not found."))
    return activity


def _member_lock(activity_id: int, member_id: int, what: str) -> None:
    """Serialise one member's starts (or helps) in one activity across connections (a transaction lock)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_advisory_xact_lock(hashtext(%s))",
            [f"{connection.schema_name}:bargain:{what}:{activity_id}:{member_id}"],
        )


def snapshot(activity: Bargain) -> dict:
    return {
        "title": activity.title,
        "sku_id": activity.sku_id,
        "cut_mode": activity.cut_mode,
        "pay_at_any_price": activity.pay_at_any_price,
        "hours": activity.hours,
        "per_helper_limit": activity.per_helper_limit,
    }


# --- shoppers ----------------------------------------------------------------------------------------------------


@transaction.atomic
def start_session(*, activity_id: int, member_id: int, now: datetime | None = None) -> tuple[BargainSession, bool]:
    """The member's bargain on the activity: their live session if there is one (False), else a new one at the
    SKU's current price (True). 404 for an unknown or draft activity, 409 when it is not running or sold out."""
    now = now or timezone.now()
    activity = Bargain.objects.filter(pk=activity_id).first() if 0 < activity_id < 2**63 else None
    if activity is None or activity.status == ActivityStatus.DRAFT:
        raise NotFound(_("Bargain not found."))
    if not is_live(activity.status, activity.starts_at, activity.ends_at, now):
        raise Conflict(_("This bargain is not running."), activity_id=activity.pk)
    _member_lock(activity.pk, member_id, "start")
    live = (
        BargainSession.objects.filter(
            activity=activity,
            member_id=member_id,
            status__in=[SessionStatus.ACTIVE, SessionStatus.REACHED],
            expires_at__gt=now,
        )
        .order_by("-pk")
        .first()
    )
    if live is not None:
        return live, False
    if activity.remaining <= 0:
        raise Conflict(_("This bargain is sold out."), activity_id=activity.pk)
    sku = skus_for_sale([activity.sku_id]).get(activity.sku_id)
    if sku is None or not sku.on_sale or sku.price_amount - activity.floor_price_amount < activity.helpers_needed:
        raise Conflict(_("This item cannot be bargained for now."), activity_id=activity.pk)
    session = BargainSession.objects.create(
        activity=activity,
        member_id=member_id,
        start_price_amount=sku.price_amount,
        floor_price_amount=activity.floor_price_amount,
        current_price_amount=sku.price_amount,
        helpers_needed=activity.helpers_needed,
        expires_at=min(now + timedelta(hours=activity.hours), activity.ends_at),
        config=snapshot(activity),
    )
    note_boundary(session.expires_at)  # the marketing beat pass wakes then and stores it as expired
    return session, True


@transaction.atomic
def help_session(
    *, session_id: int, helper_member_id: int, now: datetime | None = None, rng: random.Random | None = None
) -> BargainHelp:
    """One cut by another member. The session row is locked, so concurrent helpers queue and each sees the price
    the one before left; the helper's advisory lock makes the per-activity cap hold across sessions."""
    now = now or timezone.now()
    found = None
    if 0 < session_id < 2**63:
        found = BargainSession.objects.filter(pk=session_id).values_list("activity_id", flat=True).first()
    if found is None:
        raise NotFound(_("Bargain session not found."))
    _member_lock(found, helper_member_id, "help")
    session = BargainSession.objects.select_for_update().select_related("activity").get(pk=session_id)
    if session.member_id == helper_member_id:
        raise Conflict(_("You cannot help your own bargain: share it with friends."), session_id=session.pk)
    if BargainHelp.objects.filter(session=session, helper_member_id=helper_member_id).exists():
        raise Conflict(_("You have already helped this bargain."), session_id=session.pk)
    status = rules.effective_status(session.status, session.expires_at, now)
    if status == SessionStatus.EXPIRED:
        raise Conflict(_("This bargain has ended."), session_id=session.pk, status=status)
    if status != SessionStatus.ACTIVE or session.helps >= session.helpers_needed:
        raise Conflict(_("This bargain needs no more help."), session_id=session.pk)
    activity = session.activity
    if not is_live(activity.status, activity.starts_at, activity.ends_at, now):
        raise Conflict(_("This bargain is not running."), session_id=session.pk)
    limit = int(session.config.get("per_helper_limit") or 0)
    if (
        limit
        and BargainHelp.objects.filter(activity_id=activity.pk, helper_member_id=helper_member_id).count() >= limit
    ):
        raise Conflict(_("You can help at most %(limit)s bargains in this activity.") % {"limit": limit}, limit=limit)
    cut = rules.next_cut(
        session.current_price_amount,
        session.floor_price_amount,
        session.helpers_needed - session.helps,
        session.config.get("cut_mode") or activity.cut_mode,
        rng or _rng,
    )
    try:
        with transaction.atomic():
            row = BargainHelp.objects.create(
                session=session, activity_id=activity.pk, helper_member_id=helper_member_id, cut_amount=cut
            )
    except IntegrityError:
        raise Conflict(_("You have already helped this bargain."), session_id=session.pk) from None
    session.current_price_amount -= cut
    session.helps += 1
    if session.helps >= session.helpers_needed or session.current_price_amount == session.floor_price_amount:
        session.status = SessionStatus.REACHED
    session.save(update_fields=["current_price_amount", "helps", "status"])
    return row


# --- placing an order (checkout extension, inside the order's transaction) ----------------------------------------


def take_order(*, order, member_id: int, offer: dict, now: datetime | None = None) -> BargainSession:
    """The order buys the session: the session row locked (one order per session, at the price quoted), then one
    unit of activity stock by a guarded UPDATE."""
    now = now or timezone.now()
    session = BargainSession.objects.select_for_update().filter(pk=offer["session_id"]).first()
    if session is None or session.member_id != member_id or session.activity_id != offer["activity_id"]:
        raise Conflict(_("No such bargain of yours."), session_id=offer["session_id"])
    status = rules.effective_status(session.status, session.expires_at, now)
    if session.order_id is not None or status == SessionStatus.ORDERED:
        raise Conflict(_("This bargain has already been ordered."), session_id=session.pk)
    if not rules.can_buy(status, bool(session.config.get("pay_at_any_price"))):
        raise Conflict(_("This bargain cannot be bought now."), session_id=session.pk, status=status)
    if session.current_price_amount != offer["price_amount"]:
        raise Conflict(
            _("The price changed while you were ordering: check it and order again."),
            session_id=session.pk,
            current_price_amount=session.current_price_amount,
        )
    _take_unit_for(session, order)
    return session


def _take_unit_for(session: BargainSession, order) -> None:
    """One unit of activity stock for the session's order (a guarded UPDATE: Conflict when sold out), and the
    session marked ordered by it. `order` has order_id and number (a PlacedOrder or a LateOrder)."""
    taken = Bargain.objects.filter(pk=session.activity_id, sold__lt=F("stock")).update(sold=F("sold") + 1)
    if not taken:
        raise Conflict(_("This bargain is sold out."), session_id=session.pk)
    session.status = SessionStatus.ORDERED
    session.order_id = order.order_id
    session.order_number = order.number
    session.save(update_fields=["status", "order_id", "order_number"])


@transaction.atomic
def release_order(*, order_id: int) -> BargainSession | None:
    """order.cancelled / order.refunded in full: the unit goes back to the activity and the session can be bought
    again until its time runs out. Idempotent: only a session holding this order is released."""
    session = BargainSession.objects.select_for_update().filter(order_id=order_id).first()
    if session is None:
        return None
    Bargain.objects.filter(pk=session.activity_id, sold__gte=1).update(sold=F("sold") - 1)
    reached = session.current_price_amount == session.floor_price_amount
    session.status = SessionStatus.REACHED if reached else SessionStatus.ACTIVE
    if timezone.now() >= session.expires_at:
        session.status = SessionStatus.EXPIRED
    session.order_id = None
    session.order_number = ""
    session.save(update_fields=["status", "order_id", "order_number"])
    return session


def retake_for_late_payment(order: LateOrder) -> None:
    """Orders' late-payment hook (orders.interface.register_late_payment_hook), in orders' transaction: the order
    was paid after its timer cancelled it, which freed its session and gave its unit back. The session is tied to
    the order again, and one unit of activity stock taken, when nobody ordered the session since, its price is
    still the one paid (no help cut it further meanwhile), and the activity was not invalidated. A session whose
    time ran out meanwhile is kept too: the order was placed in time. Otherwise Conflict: orders refunds in full."""
    session = (
        BargainSession.objects.select_for_update()
        .select_related("activity")
        .filter(pk=order.group_id or 0, activity_id=order.activity_id, member_id=order.member_id)
        .first()
    )
    if session is None or session.order_id is not None:
        raise Conflict(_("This bargain has already been ordered."), order_id=order.order_id)
    if session.activity.status == ActivityStatus.INVALIDATED:
        raise Conflict(_("This bargain is not running."), session_id=session.pk)
    if [price for _sku, _quantity, price in order.lines] != [session.current_price_amount]:
        raise Conflict(_("The bargain's price changed since this order."), session_id=session.pk)
    _take_unit_for(session, order)


# --- the clock (registered with marketing: its beat pass runs this in each shop's schema) ----------------------


@transaction.atomic
def expire_sessions(now: datetime | None = None) -> datetime | None:
    """Sessions past their time limit, not ordered, become expired (已结束): one set-based UPDATE, idempotent.
    Returns the next time limit still to come (the beat pass indexes it)."""
    now = now or timezone.now()
    live = [SessionStatus.ACTIVE, SessionStatus.REACHED]
    BargainSession.objects.filter(status__in=live, expires_at__lte=now, order_id__isnull=True).update(
        status=SessionStatus.EXPIRED
    )
    return BargainSession.objects.filter(status__in=live).aggregate(next=Min("expires_at"))["next"]
