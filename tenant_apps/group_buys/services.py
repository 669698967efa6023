"""Group-buy writers: one transaction each (the refunds of a failed group call the gateway between them).

Lock order everywhere: participation row, then group row, then activity item rows (in SKU id order).
"""

import logging
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import F, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from micromall.errors import ApplicationError, Conflict, Invalid, NotFound
from tenant_apps.catalog.interface import MAX_PRICE_AMOUNT, skus_for_sale
from tenant_apps.events.interface import publish
from tenant_apps.marketing.interface import (
    ActivityStatus,
    change_activity_status,
    check_activity,
    entries_changed,
)
from tenant_apps.orders.interface import LateOrder, refund_order_in_full, release_ship_hold, set_order_group

from . import rules
from .deadlines import note_due
from .models import (
    COUNTED,
    MAX_GROUP_SIZE,
    MAX_HOURS_TO_FORM,
    Group,
    GroupBuy,
    GroupBuyItem,
    GroupStatus,
    Participation,
    ParticipationStatus,
)

log = logging.getLogger(__name__)

GROUP_FORMED = "group.formed"  # {group_id, activity_id, order_ids, formed_at}: published in _form()'s transaction

MAX_ITEMS = 50
MAX_STOCK = 10**7
EXPIRY_BATCH = 200
RETRY_REFUND_AFTER = timedelta(minutes=5)
ACTIVITY_FIELDS = ("title", "starts_at", "ends_at", "group_size", "hours_to_form", "per_order_limit",
                   "per_member_limit", "leader_discount_amount", "autofill_percent")  # fmt: skip


# --- the merchant's activities -------------------------------------------------------------------------------------


def _whole(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _check_activity(values: dict) -> dict[str, list[str]]:
    errors = check_activity(values)
    size = values.get("group_size")
    if not _whole(size) or not 2 <= size <= MAX_GROUP_SIZE:
        errors["group_size"] = [_("A group has 2 to %(max)s members.") % {"max": MAX_GROUP_SIZE}]
    hours = values.get("hours_to_form")
    if not _whole(hours) or not 1 <= hours <= MAX_HOURS_TO_FORM:
        errors["hours_to_form"] = [_("Between 1 hour and 7 days (168 hours).")]
    for name in ("per_order_limit", "per_member_limit"):
        if not _whole(values.get(name)) or not 0 <= values[name] <= MAX_STOCK:
            errors[name] = [_("A whole number, 0 for no limit.")]
    if not _whole(values.get("leader_discount_amount")) or not 0 <= values["leader_discount_amount"] < MAX_PRICE_AMOUNT:
        errors["leader_discount_amount"] = [_("An amount of 0 or more.")]
    if not _whole(values.get("autofill_percent")) or not 0 <= values["autofill_percent"] <= 100:
        errors["autofill_percent"] = [_("A percentage from 0 (never) to 100.")]
    if (
        not errors
        and values["per_order_limit"]
        and values["per_member_limit"]
        and values["per_order_limit"] > values["per_member_limit"]
    ):
        errors["per_order_limit"] = [_("The per-order limit cannot be above the per-member limit.")]
    return errors


def _check_items(items, group_size, existing: dict[int, GroupBuyItem]) -> tuple[list[dict], dict[str, list[str]]]:
    errors: dict[str, list[str]] = {}
    if not isinstance(items, list) or not items:
        return [], {"items": [_("Add at least one SKU.")]}
    if len(items) > MAX_ITEMS:
        return [], {"items": [_("At most %(max)s SKUs per activity.") % {"max": MAX_ITEMS}]}
    ids = [item.get("sku_id") for item in items if isinstance(item, dict) and _whole(item.get("sku_id"))]
    skus = skus_for_sale(sku_id for sku_id in ids if 0 < sku_id < 2**63)
    clean, seen = [], set()
    for index, item in enumerate(items):
        where = f"items.{index}"
        if not isinstance(item, dict):
            errors[where] = [_("Give sku_id, price_amount and stock.")]
            continue
        sku_id, price, stock = item.get("sku_id"), item.get("price_amount"), item.get("stock")
        if not _whole(sku_id) or sku_id not in skus:
            errors[f"{where}.sku_id"] = [_("No such SKU in this shop.")]
        elif sku_id in seen:
            errors[f"{where}.sku_id"] = [_("Each SKU may be listed once.")]
        seen.add(sku_id)
        if not _whole(price) or not 1 <= price < MAX_PRICE_AMOUNT:
            errors[f"{where}.price_amount"] = [_("A price of at least 0.01.")]
        elif sku_id in skus and price > skus[sku_id].price_amount:
            errors[f"{where}.price_amount"] = [_("The group price cannot be above the SKU's price.")]
        sold = existing[sku_id].sold if sku_id in existing else 0
        if not _whole(stock) or not 0 <= stock <= MAX_STOCK:
            errors[f"{where}.stock"] = [_("A whole number of units, 0 or more.")]
        elif stock < sold:
            errors[f"{where}.stock"] = [
                _("%(sold)s units are already sold: the stock cannot go below that.") % {"sold": sold}
            ]
        ladder = item.get("ladder") or []
        tiers, sizes = [], {group_size}
        if not isinstance(ladder, list) or len(ladder) > 5:
            errors[f"{where}.ladder"] = [_("At most 5 tiers of group size and price.")]
            ladder = []
        for t, tier in enumerate(ladder):
            size = tier.get("group_size") if isinstance(tier, dict) else None
            tier_price = tier.get("price_amount") if isinstance(tier, dict) else None
            if not _whole(size) or not 2 <= size <= MAX_GROUP_SIZE or size in sizes:
                errors[f"{where}.ladder.{t}.group_size"] = [
                    _("Another group size from 2 to %(max)s.") % {"max": MAX_GROUP_SIZE}
                ]
            elif not _whole(tier_price) or not 1 <= tier_price < MAX_PRICE_AMOUNT:
                errors[f"{where}.ladder.{t}.price_amount"] = [_("A price of at least 0.01.")]
            else:
                sizes.add(size)
                tiers.append({"group_size": size, "price_amount": tier_price})
        if sku_id in skus:
            clean.append({"sku_id": sku_id, "product_id": skus[sku_id].product_id, "price_amount": price,
                          "stock": stock, "ladder": sorted(tiers, key=lambda x: x["group_size"])})  # fmt: skip
    return clean, errors


def _values(values: dict, current: GroupBuy | None = None) -> dict:
    defaults = {"per_order_limit": 0, "per_member_limit": 0, "leader_discount_amount": 0, "autofill_percent": 0,
                "hours_to_form": 24}  # fmt: skip
    merged = {name: getattr(current, name) for name in ACTIVITY_FIELDS} if current else dict(defaults)
    merged.update({name: values[name] for name in ACTIVITY_FIELDS if name in values and values[name] is not None})
    if isinstance(merged.get("title"), str):
        merged["title"] = merged["title"].strip()
    return merged


@transaction.atomic
def create_group_buy(*, items, **values) -> GroupBuy:
    """A new group buy (draft) with its SKUs; Invalid with field messages when anything is wrong."""
    merged = _values(values)
    errors = _check_activity(merged)
    clean, item_errors = _check_items(items, merged.get("group_size"), {})
    errors.update(item_errors)
    if errors:
        raise Invalid(errors=errors)
    activity = GroupBuy.objects.create(status=ActivityStatus.DRAFT, **merged)
    GroupBuyItem.objects.bulk_create(GroupBuyItem(activity=activity, **item) for item in clean)
    return activity


@transaction.atomic
def update_group_buy(*, activity_id: int, items=None, **values) -> GroupBuy:
    """Change an activity that has not ended. Groups already open keep the rules they opened with (snapshot);
    an item's stock never goes below what was sold and an item with sales stays."""
    activity = _locked_activity(activity_id)
    now = timezone.now()
    if activity.status in (ActivityStatus.ENDED, ActivityStatus.INVALIDATED) or now >= activity.ends_at:
        raise Conflict(_("An activity that has ended cannot be changed."), status=activity.status)
    merged = _values(values, activity)
    errors = _check_activity(merged)
    if activity.status != ActivityStatus.DRAFT:
        for name in ("starts_at", "group_size"):
            if merged[name] != getattr(activity, name):
                errors[name] = [_("This can only be changed before the activity is published.")]
    existing = {item.sku_id: item for item in activity.items.select_for_update().order_by("sku_id")}
    clean = None
    if items is not None:
        clean, item_errors = _check_items(items, merged.get("group_size"), existing)
        errors.update(item_errors)
        kept = {item["sku_id"] for item in clean}
        for sku_id, item in existing.items():
            if sku_id not in kept and item.sold:
                errors.setdefault("items", []).append(
                    _("SKU %(sku)s has sales and cannot be removed.") % {"sku": sku_id}
                )
    if errors:
        raise Invalid(errors=errors)
    for name, value in merged.items():
        setattr(activity, name, value)
    activity.save()
    if clean is not None:
        GroupBuyItem.objects.filter(activity=activity).exclude(sku_id__in=[i["sku_id"] for i in clean]).delete()
        for item in clean:
            row = existing.get(item["sku_id"])
            if row is None:
                GroupBuyItem.objects.create(activity=activity, **item)
            else:
                for name in ("price_amount", "stock", "ladder"):
                    setattr(row, name, item[name])
                row.save(update_fields=["price_amount", "stock", "ladder"])
    entries_changed()  # the product pages' 拼团 entries show the new prices
    return activity


def change_status(*, activity_id: int, action: str) -> GroupBuy:
    if not (0 < activity_id < 2**63 and GroupBuy.objects.filter(pk=activity_id).exists()):
        raise NotFound(_("Group buy not found."))
    return change_activity_status(GroupBuy, activity_id=activity_id, action=action)


def _locked_activity(activity_id: int) -> GroupBuy:
    activity = None
    if 0 < activity_id < 2**63:
        activity = GroupBuy.objects.select_for_update().filter(pk=activity_id).first()
    if activity is None:
        raise NotFound(_("Group buy not found."))
    return activity


# --- placing an order (checkout extension, inside the order's transaction) -----------------------------------------


def take_part(*, order, member_id: int, offer: dict, now: datetime | None = None) -> Participation:
    """The order's share of the activity: activity stock (guarded UPDATEs in SKU order), the per-member quota
    (the activity row locked, so two orders of one member cannot both pass) and the participation row."""
    now = now or timezone.now()
    activity = GroupBuy.objects.select_for_update().filter(pk=offer["activity_id"]).first()
    joining = offer.get("group_id") is not None
    if activity is None or not rules.takes_part(activity, joining=joining, now=now):
        raise Conflict(_("This group buy is not running."), activity_id=offer["activity_id"])
    units: dict[int, int] = {}
    for line in order.lines:
        if not line.is_gift:
            units[line.sku_id] = units.get(line.sku_id, 0) + line.quantity
    _take_units(activity, member_id, units)
    return Participation.objects.create(
        activity=activity,
        order_id=order.order_id,
        order_number=order.number,
        member_id=member_id,
        requested_group_id=offer.get("group_id"),
        group_size=offer["group_size"],
        quantity=sum(units.values()),
        units={str(sku_id): count for sku_id, count in units.items()},
        is_leader=offer.get("group_id") is None,
        config=offer["config"],
    )


def _take_units(activity: GroupBuy, member_id: int, units: dict[int, int]) -> None:
    """The member's quota (the activity row is locked by the caller) and the activity stock (guarded UPDATEs in
    SKU order) for `units` ({sku_id: count}); Conflict when either is short."""
    quantity = sum(units.values())
    if activity.per_member_limit:
        used = (
            Participation.objects.filter(activity=activity, member_id=member_id, status__in=COUNTED).aggregate(
                n=Sum("quantity")
            )["n"]
            or 0
        )
        if used + quantity > activity.per_member_limit:
            raise Conflict(
                _("You can buy at most %(limit)s units in this group buy.") % {"limit": activity.per_member_limit},
                limit=activity.per_member_limit,
            )
    for sku_id, count in sorted(units.items()):
        taken = GroupBuyItem.objects.filter(activity=activity, sku_id=sku_id, sold__lte=F("stock") - count).update(
            sold=F("sold") + count
        )
        if not taken:
            raise Conflict(_("The group buy has sold out of this item."), sku_id=sku_id)


def _give_back_stock(participation: Participation) -> None:
    for sku_id, count in sorted(participation.units.items(), key=lambda x: int(x[0])):
        GroupBuyItem.objects.filter(activity_id=participation.activity_id, sku_id=int(sku_id), sold__gte=count).update(
            sold=F("sold") - count
        )


# --- order events ----------------------------------------------------------------------------------------------------


def _seated(group: Group, member_id: int) -> bool:
    return group.participations.filter(
        member_id=member_id, status__in=[ParticipationStatus.PAID_WAITING, ParticipationStatus.GROUPED]
    ).exists()


def _has_seat_for(group: Group, member_id: int, now: datetime) -> bool:
    """The group (row locked by the caller) still forms, before its deadline, with a free seat, without the member."""
    return (
        group.status == GroupStatus.FORMING
        and group.expires_at > now
        and group.joined < group.size
        and not _seated(group, member_id)
    )


@transaction.atomic
def seat_paid_order(*, order_id: int, now: datetime | None = None) -> Participation | None:
    """order.paid: the payer takes a seat. The group row is locked, so the last seat goes to one payer only;
    a full, closed or expired group (or one the member already sits in) makes the payer open a new group.
    A leader's payment opens the group. Idempotent: only a participation awaiting payment is seated."""
    now = now or timezone.now()
    participation = Participation.objects.select_for_update().filter(order_id=order_id).first()
    if participation is None or participation.status != ParticipationStatus.PENDING_PAYMENT:
        return None
    group = None
    if participation.requested_group_id:
        group = (
            Group.objects.select_for_update()
            .filter(pk=participation.requested_group_id, activity_id=participation.activity_id)
            .first()
        )
        if group is not None and not _has_seat_for(group, participation.member_id, now):
            group = None
    if group is None:
        hours = participation.config.get("hours_to_form") or participation.activity.hours_to_form
        group = Group.objects.create(
            activity_id=participation.activity_id,
            leader_member_id=participation.member_id,
            size=participation.group_size,
            expires_at=now + timedelta(hours=hours),
            config=participation.config,
        )
        participation.is_leader = True
        transaction.on_commit(lambda: note_due(group.expires_at))
    participation.group = group
    participation.status = ParticipationStatus.PAID_WAITING
    participation.paid_at = now
    participation.save(update_fields=["group", "status", "paid_at", "is_leader"])
    group.joined += 1
    group.save(update_fields=["joined"])
    set_order_group(order_id=order_id, group_id=group.pk)
    if group.joined >= group.size:
        _form(group, now)
    return participation


def retake_for_late_payment(order: LateOrder, now: datetime | None = None) -> None:
    """Orders' late-payment hook (orders.interface.register_late_payment_hook), in orders' transaction: the order
    was paid after its timer cancelled it, which gave its units back. While the activity runs, the units and the
    member's quota are taken again and the participation awaits its seat once more (order.paid, published when
    orders keeps the order, seats it: a leader opens a group). A joiner whose group failed, is full or past its
    deadline (the order's price was that group's), or anything short -> Conflict: orders refunds it in full."""
    now = now or timezone.now()
    participation = Participation.objects.select_for_update().filter(order_id=order.order_id).first()
    if participation is None or participation.status != ParticipationStatus.CANCELLED:
        raise Conflict(_("This group-buy order cannot be kept."), order_id=order.order_id)
    if participation.requested_group_id:
        group = Group.objects.select_for_update().filter(pk=participation.requested_group_id).first()
        if group is None or not _has_seat_for(group, participation.member_id, now):
            raise Conflict(_("This group is no longer open."), group_id=participation.requested_group_id)
    activity = GroupBuy.objects.select_for_update().get(pk=participation.activity_id)
    if not rules.takes_part(activity, joining=bool(participation.requested_group_id), now=now):
        raise Conflict(_("This group buy is not running."), activity_id=activity.pk)
    _take_units(activity, participation.member_id, {int(sku): count for sku, count in participation.units.items()})
    participation.status = ParticipationStatus.PENDING_PAYMENT
    participation.save(update_fields=["status"])


def _form(group: Group, now: datetime) -> None:
    """The group is full: every paid member is grouped and their orders may ship."""
    group.status = GroupStatus.FORMED
    group.formed_at = now
    group.save(update_fields=["status", "formed_at", "joined", "virtual_members"])
    waiting = list(
        group.participations.select_for_update().filter(status=ParticipationStatus.PAID_WAITING).order_by("order_id")
    )
    for participation in waiting:
        participation.status = ParticipationStatus.GROUPED
        participation.save(update_fields=["status"])
        release_ship_hold(order_id=participation.order_id)
    # The data centre counts these orders as paid now (PROMOTIONS.md KPIs); virtual members have no order.
    publish(
        GROUP_FORMED,
        {
            "group_id": group.pk,
            "activity_id": group.activity_id,
            "order_ids": [participation.order_id for participation in waiting],
            "formed_at": now.isoformat(),
        },
    )


@transaction.atomic
def drop_cancelled_order(*, order_id: int) -> bool:
    """order.cancelled (the shopper, or the unpaid timer): the units go back to the activity's stock."""
    participation = Participation.objects.select_for_update().filter(order_id=order_id).first()
    if participation is None or participation.status != ParticipationStatus.PENDING_PAYMENT:
        return False
    participation.status = ParticipationStatus.CANCELLED
    participation.save(update_fields=["status"])
    _give_back_stock(participation)
    return True


@transaction.atomic
def drop_refunded_order(*, order_id: int) -> bool:
    """The order was refunded in full (our own refund of a failed group, or an after-sale): the seat and the
    units are given back once. A forming group left with no paying member fails. The group row is locked before
    the participation, in the order the deadline pass (_form) takes them, so the two never wait on each other."""
    group_id = Participation.objects.filter(order_id=order_id).values_list("group_id", flat=True).first()
    if group_id is not None:
        Group.objects.select_for_update().filter(pk=group_id).first()
    participation = Participation.objects.select_for_update().filter(order_id=order_id).first()
    if participation is None or participation.status not in (
        ParticipationStatus.PAID_WAITING,
        ParticipationStatus.GROUPED,
    ):
        return False
    was_waiting = participation.status == ParticipationStatus.PAID_WAITING
    participation.status = ParticipationStatus.REFUNDED
    participation.save(update_fields=["status"])
    _give_back_stock(participation)
    if was_waiting and participation.group_id:
        group = Group.objects.select_for_update().get(pk=participation.group_id)
        if group.status == GroupStatus.FORMING:
            group.joined = max(group.joined - 1, 0)
            fields = ["joined"]
            if group.joined == group.virtual_members:
                group.status, group.failed_at = GroupStatus.FAILED, timezone.now()
                fields += ["status", "failed_at"]
            group.save(update_fields=fields)
    return True


# --- deadlines (beat) ------------------------------------------------------------------------------------------------


@transaction.atomic
def close_expired_group(*, group_id: int, now: datetime | None = None) -> str | None:
    """At its deadline a forming group is auto-filled with virtual members (when the activity says so and enough
    joined) and formed, or it fails. Returns the new status; None when the group was not due (re-checked locked)."""
    now = now or timezone.now()
    group = Group.objects.select_for_update().filter(pk=group_id).first()
    if group is None or group.status != GroupStatus.FORMING or group.expires_at > now:
        return None
    percent = int(group.config.get("autofill_percent") or 0)
    real = group.joined - group.virtual_members
    if rules.autofills(real, group.size, percent):
        group.virtual_members += group.size - group.joined
        group.joined = group.size
        _form(group, now)
        return GroupStatus.FORMED
    group.status = GroupStatus.FAILED
    group.failed_at = now
    group.save(update_fields=["status", "failed_at"])
    return GroupStatus.FAILED


def refund_failed_members(*, limit: int | None = None) -> dict[str, int]:
    """Every paid member of a failed group gets a full refund (the gateway call runs outside our transactions), all
    of them in one pass (the pass that closed more than a batch of groups used to refund only the first batch and
    not come back). Idempotent: refund_order_in_full refunds an order once, and the participation leaves
    paid_waiting once."""
    limit = limit or EXPIRY_BATCH
    done = {"refunded": 0, "refund_errors": 0}
    waiting = Participation.objects.filter(status=ParticipationStatus.PAID_WAITING, group__status=GroupStatus.FAILED)
    after = 0
    while True:  # every one of them, in batches of `limit`: a refund the gateway refuses never holds up the rest
        due = list(waiting.filter(pk__gt=after).order_by("pk").values_list("pk", "order_id")[:limit])
        for _pk, order_id in due:
            try:
                refund_order_in_full(order_id=order_id, reason=_("The group did not form in time: full refund."))
            except ApplicationError as error:
                log.warning("group buy: refunding order %s failed: %s", order_id, error)
                done["refund_errors"] += 1
                continue
            drop_refunded_order(order_id=order_id)
            done["refunded"] += 1
        if len(due) < limit:
            return done
        after = due[-1][0]


def run_due_groups(*, now: datetime | None = None) -> dict[str, int]:
    """The shop's deadline pass: close every forming group past its deadline, refund the failed ones' members,
    then index the shop's next deadline. Safe to run twice or concurrently."""
    now = now or timezone.now()
    done = {"formed": 0, "failed": 0}
    while True:
        ids = list(
            Group.objects.filter(status=GroupStatus.FORMING, expires_at__lte=now)
            .order_by("expires_at", "pk")
            .values_list("pk", flat=True)[:EXPIRY_BATCH]
        )
        for group_id in ids:
            outcome = close_expired_group(group_id=group_id, now=now)
            if outcome is not None:
                done[outcome] += 1
        if len(ids) < EXPIRY_BATCH:
            break
    refunds = refund_failed_members()
    done.update(refunds)
    if refunds["refund_errors"]:
        note_due(now + RETRY_REFUND_AFTER)
    upcoming = (
        Group.objects.filter(status=GroupStatus.FORMING).order_by("expires_at").values_list("expires_at", flat=True)
    ).first()
    if upcoming is not None:
        note_due(upcoming)
    return done
