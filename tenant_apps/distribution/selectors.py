"""Reads for distribution. Every balance is a sum over the ledger: nothing stored that could drift."""

from dataclasses import dataclass

from django.db.models import Count, Q, Sum, Value
from django.db.models.functions import Coalesce

from .models import (
    Binding,
    CommissionEntry,
    DistributionSettings,
    Distributor,
    DistributorStatus,
    EntryKind,
    EntryStatus,
    Withdrawal,
    WithdrawalStatus,
)

OPEN_WITHDRAWALS = (WithdrawalStatus.REQUESTED, WithdrawalStatus.PAID)


def distribution_settings() -> DistributionSettings:
    """The shop's settings; an unsaved row with the defaults (2 levels, 10% and 5%) until changed."""
    return DistributionSettings.objects.filter(pk=1).first() or DistributionSettings(pk=1, rates_bps=[1000, 500])


@dataclass(frozen=True)
class Balances:
    pending_amount: int
    available_amount: int
    withdrawn_amount: int
    requested_amount: int


def balances(*, distributor_id: int) -> Balances:
    """pending = pending entries; available = available entries - withdrawals requested or paid (may be
    negative after a refund of withdrawn commission); withdrawn = withdrawals paid."""
    entries = CommissionEntry.objects.filter(distributor_id=distributor_id).aggregate(
        pending=Coalesce(Sum("amount", filter=Q(status=EntryStatus.PENDING)), Value(0)),
        available=Coalesce(Sum("amount", filter=Q(status=EntryStatus.AVAILABLE)), Value(0)),
    )
    outs = Withdrawal.objects.filter(distributor_id=distributor_id).aggregate(
        requested=Coalesce(Sum("amount", filter=Q(status=WithdrawalStatus.REQUESTED)), Value(0)),
        paid=Coalesce(Sum("amount", filter=Q(status=WithdrawalStatus.PAID)), Value(0)),
    )
    return Balances(
        pending_amount=entries["pending"],
        available_amount=entries["available"] - outs["requested"] - outs["paid"],
        withdrawn_amount=outs["paid"],
        requested_amount=outs["requested"],
    )


def distributor_of(*, member) -> Distributor | None:
    return Distributor.objects.select_related("tier").filter(member=member).first()


def distributor_by_code(code: str) -> Distributor | None:
    return Distributor.objects.filter(code=(code or "").strip().upper()).first()


def bound_distributor_codes(*, member_ids) -> dict[int, str]:
    """{member id: code of the distributor the member is bound to} for the given members (one query)."""
    rows = Binding.objects.filter(member_id__in=list(member_ids)).values_list("member_id", "distributor__code")
    return dict(rows)


def upline_of(*, member_id: int) -> Distributor | None:
    binding = Binding.objects.select_related("distributor").filter(member_id=member_id).first()
    return binding.distributor if binding else None


def team(*, distributor: Distributor, levels: int = 3) -> list[dict]:
    """Downline members per level: level 1 = members bound to this distributor, level 2 = bound to those..."""
    result, frontier = [], [distributor.pk]
    for level in range(1, levels + 1):
        bound = list(
            Binding.objects.filter(distributor_id__in=frontier)
            .select_related("member")
            .order_by("created")
            .values("member_id", "member__nickname", "created")
        )
        for row in bound:
            result.append({"level": level, "member_id": row["member_id"], "nickname": row["member__nickname"],
                           "bound_at": row["created"]})  # fmt: skip
        frontier = list(
            Distributor.objects.filter(member_id__in=[r["member_id"] for r in bound]).values_list("pk", flat=True)
        )
        if not frontier:
            break
    return result


def commissions(*, distributor: Distributor, status: str | None = None):
    """Commission rows, newest first; `withdrawn` is derived: available commissions fully covered, oldest
    first, by paid withdrawals."""
    rows = list(CommissionEntry.objects.filter(distributor=distributor).order_by("created", "id"))
    paid = Withdrawal.objects.filter(distributor=distributor, status=WithdrawalStatus.PAID).aggregate(
        s=Coalesce(Sum("amount"), Value(0))
    )["s"]
    covered = 0
    for row in rows:
        row.display_status = row.status
        if row.status == EntryStatus.AVAILABLE and row.kind == EntryKind.COMMISSION and covered + row.amount <= paid:
            covered += row.amount
            row.display_status = "withdrawn"
    rows.reverse()
    if status:
        rows = [row for row in rows if row.display_status == status]
    return rows


def withdrawals(*, distributor: Distributor | None = None):
    qs = Withdrawal.objects.select_related("distributor__member")
    return qs.filter(distributor=distributor) if distributor else qs


def distributors():
    return Distributor.objects.select_related("member", "tier").annotate(team_size=Count("bindings"))


def leaderboard(*, limit: int = 10) -> list[dict]:
    rows = (
        CommissionEntry.objects.exclude(status=EntryStatus.REVERSED)
        .values("distributor__code", "distributor__member__nickname")
        .annotate(total=Sum("amount"))
        .order_by("-total")[:limit]
    )
    return [{"code": r["distributor__code"], "nickname": r["distributor__member__nickname"] or "",
             "total_amount": r["total"]} for r in rows]  # fmt: skip


def approved(distributor: Distributor | None) -> bool:
    return distributor is not None and distributor.status == DistributorStatus.APPROVED
