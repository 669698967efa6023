"""Group-buy reads: never change state (a group past its deadline reads as formed or failed by the rules)."""

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Sum

from tenant_apps.catalog.interface import skus_for_sale
from tenant_apps.marketing.interface import effective_status
from tenant_apps.members.interface import Member

from . import rules
from .models import COUNTED, SEATED, Group, GroupBuy, GroupStatus, Participation


def activities():
    return GroupBuy.objects.prefetch_related("items").order_by("-starts_at", "-id")


def activity(activity_id: int) -> GroupBuy | None:
    if not 0 < activity_id < 2**63:
        return None
    return GroupBuy.objects.prefetch_related("items").filter(pk=activity_id).first()


def group(group_id: int) -> Group | None:
    if not 0 < group_id < 2**63:
        return None
    return Group.objects.select_related("activity").filter(pk=group_id).first()


def activity_status(row: GroupBuy, now: datetime) -> str:
    return effective_status(row.status, row.starts_at, row.ends_at, now)


def group_status(row: Group, now: datetime) -> str:
    percent = int(row.config.get("autofill_percent") or 0)
    real = row.joined - row.virtual_members
    status = rules.effective_group_status(row.status, real, row.size, row.expires_at, percent, now)
    return status


def group_sizes(row: GroupBuy) -> list[int]:
    """The group sizes a leader may open: the activity's own, and those every item's ladder offers."""
    items = list(row.items.all())
    sizes = {row.group_size}
    if items:
        common = set.intersection(*({tier["group_size"] for tier in item.ladder} for item in items))
        sizes |= common
    return sorted(sizes)


def member_units(activity_id: int, member_id: int) -> int:
    return (
        Participation.objects.filter(activity_id=activity_id, member_id=member_id, status__in=COUNTED).aggregate(
            n=Sum("quantity")
        )["n"]
        or 0
    )


def is_seated(group_id: int, member_id: int) -> bool:
    return Participation.objects.filter(group_id=group_id, member_id=member_id, status__in=SEATED).exists()


@dataclass(frozen=True)
class Seat:
    initial: str
    is_leader: bool
    is_virtual: bool = False


def seats(row: Group) -> list[Seat]:
    """Who sits in the group, leader first: one initial per paying member, then the virtual seats."""
    taken = list(
        Participation.objects.filter(group=row, status__in=SEATED)
        .order_by("-is_leader", "paid_at", "pk")
        .values_list("member_id", "is_leader")
    )
    members = Member.objects.filter(pk__in=[member_id for member_id, _ in taken])
    names = {pk: (nickname, email or "") for pk, nickname, email in members.values_list("pk", "nickname", "email")}
    found = [Seat(rules.initial(*names.get(member_id, ("", ""))), leader) for member_id, leader in taken]
    return found + [Seat("?", False, True) for _ in range(row.virtual_members)]


def open_groups(activity_id: int, now: datetime, limit: int = 10) -> list[Group]:
    """Groups of the activity still forming now, closest to their deadline first (for shoppers to join)."""
    return list(
        Group.objects.filter(activity_id=activity_id, status=GroupStatus.FORMING, expires_at__gt=now).order_by(
            "expires_at", "pk"
        )[:limit]
    )


def items_for_sale(row: GroupBuy) -> list[dict]:
    """The activity's items with the SKU's title, picture, list price and what is left of the activity stock."""
    items = list(row.items.all())
    skus = skus_for_sale(item.sku_id for item in items)
    found = []
    for item in items:
        sku = skus.get(item.sku_id)
        if sku is None:
            continue
        found.append(
            {
                "sku_id": item.sku_id,
                "product_id": item.product_id,
                "title": sku.title,
                "specs": sku.specs,
                "image": sku.image,
                "on_sale": sku.on_sale,
                "list_price_amount": sku.price_amount,
                "price_amount": item.price_amount,
                "leader_price_amount": rules.leader_price(item.price_amount, row.leader_discount_amount),
                "ladder": item.ladder,
                "stock": item.stock,
                "sold": item.sold,
                "remaining": item.remaining,
            }
        )
    return found
