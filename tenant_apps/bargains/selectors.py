"""Bargain reads: never change state (a session past its time limit reads as expired by the rules)."""

from dataclasses import dataclass
from datetime import datetime

from tenant_apps.catalog.interface import skus_for_sale
from tenant_apps.marketing.interface import effective_status
from tenant_apps.members.interface import Member

from . import rules
from .models import Bargain, BargainHelp, BargainSession


def activities():
    return Bargain.objects.order_by("-starts_at", "-id")


def activity(activity_id: int) -> Bargain | None:
    if not 0 < activity_id < 2**63:
        return None
    return Bargain.objects.filter(pk=activity_id).first()


def session(session_id: int) -> BargainSession | None:
    if not 0 < session_id < 2**63:
        return None
    return BargainSession.objects.select_related("activity").filter(pk=session_id).first()


def activity_status(row: Bargain, now: datetime) -> str:
    return effective_status(row.status, row.starts_at, row.ends_at, now)


def session_status(row: BargainSession, now: datetime) -> str:
    return rules.effective_status(row.status, row.expires_at, now)


def can_buy(row: BargainSession, now: datetime) -> bool:
    return rules.can_buy(session_status(row, now), bool(row.config.get("pay_at_any_price")))


def has_helped(session_id: int, member_id: int) -> bool:
    return BargainHelp.objects.filter(session_id=session_id, helper_member_id=member_id).exists()


@dataclass(frozen=True)
class Helper:
    initial: str
    cut_amount: int
    created: datetime


def helpers(row: BargainSession) -> list[Helper]:
    """Who helped, first first: one initial per helper (never a phone number) and the cut."""
    helps = list(row.help_rows.order_by("created", "pk").values_list("helper_member_id", "cut_amount", "created"))
    names = {
        pk: (nickname, email or "")
        for pk, nickname, email in Member.objects.filter(pk__in=[h[0] for h in helps]).values_list(
            "pk", "nickname", "email"
        )
    }
    return [Helper(rules.initial(*names.get(member_id, ("", ""))), cut, at) for member_id, cut, at in helps]


def sessions_of(member_id: int, limit: int = 50) -> list[BargainSession]:
    """The member's bargains, newest first ("my bargains")."""
    rows = BargainSession.objects.select_related("activity").filter(member_id=member_id)
    return list(rows.order_by("-created", "-id")[:limit])


def items(rows: list[Bargain]) -> dict[int, dict]:
    """{sku id: item} for several activities in one catalog read (see `item`)."""
    skus = skus_for_sale(sorted({row.sku_id for row in rows}))
    return {sku_id: _item(sku) for sku_id, sku in skus.items()}


def item(row: Bargain) -> dict | None:
    """The activity's SKU as a shopper sees it (title, picture, list price), None when it is gone."""
    sku = skus_for_sale([row.sku_id]).get(row.sku_id)
    return None if sku is None else _item(sku)


def _item(sku) -> dict:
    return {
        "sku_id": sku.id,
        "product_id": sku.product_id,
        "title": sku.title,
        "specs": sku.specs,
        "image": sku.image,
        "on_sale": sku.on_sale,
        "list_price_amount": sku.price_amount,
    }
