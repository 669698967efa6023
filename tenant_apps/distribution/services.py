"""Writers for distribution: settings, applying, binding, the commission ledger (driven by order events only)
and withdrawals. Each public function is one transaction."""

import secrets
from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.db.models import Count, Q, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from micromall.errors import Conflict, Invalid, NotFound

from . import selectors
from .models import (
    MAX_LEVELS,
    Binding,
    CommissionEntry,
    DistributionSettings,
    Distributor,
    DistributorStatus,
    EntryKind,
    EntryStatus,
    RateOverride,
    RebindAudit,
    Tier,
    Withdrawal,
    WithdrawalStatus,
)
from .split import BPS, pro_rata, split_commission

MIN_FREEZE_DAYS = 7  # the shop's return window: 7-day no-reason returns (七天无理由退货)
CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I


def validate_rates(rates_bps, levels: int, field: str = "rates_bps") -> dict:
    if not isinstance(rates_bps, list) or len(rates_bps) != levels:
        return {field: [_("Give exactly one rate per level.")]}
    if any(not isinstance(r, int) or isinstance(r, bool) or not 0 <= r <= BPS for r in rates_bps):
        return {field: [_("Each rate is between 0 and 10000 basis points.")]}
    if sum(rates_bps) > BPS:
        return {field: [_("The rates add up to more than 100%.")]}
    return {}


@transaction.atomic
def update_settings(
    *,
    enabled: bool,
    levels: int,
    rates_bps: list[int],
    freeze_days: int,
    min_withdrawal_amount: int,
    self_purchase_commission: bool,
    auto_approve: bool,
) -> DistributionSettings:
    errors = {}
    if not isinstance(levels, int) or not 1 <= levels <= MAX_LEVELS:
        errors["levels"] = [_("Between 1 and 3 levels (deeper chains are pyramid selling).")]
    else:
        errors.update(validate_rates(rates_bps, levels))
    if not isinstance(freeze_days, int) or not MIN_FREEZE_DAYS <= freeze_days <= 365:
        errors["freeze_days"] = [_("At least the 7-day return window and at most 365 days.")]
    if not isinstance(min_withdrawal_amount, int) or min_withdrawal_amount < 1:
        errors["min_withdrawal_amount"] = [_("At least 1 fen.")]
    if errors:
        raise Invalid(errors=errors)
    row = selectors.distribution_settings()
    row.enabled, row.levels, row.rates_bps, row.freeze_days = enabled, levels, rates_bps, freeze_days
    row.min_withdrawal_amount, row.self_purchase_commission, row.auto_approve = (
        min_withdrawal_amount,
        self_purchase_commission,
        auto_approve,
    )
    row.save()
    return row


@transaction.atomic
def set_rate_override(*, product_id: int | None = None, sku_id: int | None = None, rates_bps: list[int]):
    if (product_id is None) == (sku_id is None):
        raise Invalid(errors={"product_id": [_("Give a product or a SKU.")]})
    errors = validate_rates(rates_bps, selectors.distribution_settings().levels)
    if errors:
        raise Invalid(errors=errors)
    override, _created = RateOverride.objects.update_or_create(
        product_id=product_id, sku_id=sku_id, defaults={"rates_bps": rates_bps}
    )
    return override


@transaction.atomic
def save_tier(*, tier: Tier) -> Tier:
    if tier.rates_bps:
        errors = validate_rates(tier.rates_bps, selectors.distribution_settings().levels)
        if errors:
            raise Invalid(errors=errors)
    tier.save()
    return tier


@transaction.atomic
def delete_tiers(*, tier_ids: list[int]) -> int:
    """Remove tiers; their distributors drop back to no tier (FK SET_NULL). Returns how many were removed."""
    return Tier.objects.filter(pk__in=tier_ids).delete()[1].get(Tier._meta.label, 0)


@transaction.atomic
def delete_rate_overrides(*, override_ids: list[int]) -> int:
    """Remove rate overrides (the shop's or tier's rates apply again). Returns how many were removed."""
    return RateOverride.objects.filter(pk__in=override_ids).delete()[1].get(RateOverride._meta.label, 0)


def _new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(8))


@transaction.atomic
def apply(*, member) -> tuple[Distributor, bool]:
    """Make `member` a distributor (approved at once when the shop auto-approves); applying twice returns the
    same row. Recruiting earns nothing: no fee, no bonus for the recruiter."""
    settings = selectors.distribution_settings()
    if not settings.enabled:
        raise Conflict(_("Distribution is not enabled in this shop."))
    existing = Distributor.objects.select_for_update().filter(member=member).first()
    if existing:
        if existing.status == DistributorStatus.REJECTED:
            existing.status = DistributorStatus.APPROVED if settings.auto_approve else DistributorStatus.PENDING
            existing.approved_at = timezone.now() if settings.auto_approve else None
            existing.save(update_fields=["status", "approved_at"])
        return existing, False
    status = DistributorStatus.APPROVED if settings.auto_approve else DistributorStatus.PENDING
    for _attempt in range(5):
        try:
            with transaction.atomic():
                distributor = Distributor.objects.create(
                    member=member,
                    code=_new_code(),
                    status=status,
                    approved_at=timezone.now() if settings.auto_approve else None,
                    tier=Tier.objects.order_by("rank").first(),
                )
            return distributor, True
        except IntegrityError:
            if Distributor.objects.filter(member=member).exists():
                return Distributor.objects.get(member=member), False
    raise Conflict(_("Could not allocate a code, try again."))


@transaction.atomic
def decide_distributor(*, distributor_id: int, approve: bool) -> Distributor:
    if not 0 < distributor_id < 2**63:
        raise NotFound(_("Distributor not found."))
    distributor = Distributor.objects.select_for_update().filter(pk=distributor_id).first()
    if distributor is None:
        raise NotFound(_("Distributor not found."))
    distributor.status = DistributorStatus.APPROVED if approve else DistributorStatus.REJECTED
    distributor.approved_at = timezone.now() if approve else None
    distributor.save(update_fields=["status", "approved_at"])
    return distributor


def _would_cycle(member_id: int, distributor: Distributor) -> bool:
    """Binding member -> distributor closes a loop if the member is the distributor or one of its uplines."""
    seen, current = set(), distributor.member_id
    while current is not None and current not in seen:
        if current == member_id:
            return True
        seen.add(current)
        current = Binding.objects.filter(member_id=current).values_list("distributor__member_id", flat=True).first()
    return False


def _distributor_for_code(code: str, field: str = "ref") -> Distributor:
    distributor = selectors.distributor_by_code(code)
    if not selectors.approved(distributor):
        raise Invalid(errors={field: [_("Unknown distributor code.")]})
    return distributor


@transaction.atomic
def bind(*, member, code: str, source: str) -> Binding | None:
    """First touch: bind `member` to the distributor of `code` unless already bound. Unknown code (another
    shop's too), oneself or one's own downline -> Invalid, nothing changed."""
    distributor = _distributor_for_code(code)
    if _would_cycle(member.pk, distributor):
        raise Invalid(errors={"ref": [_("A member cannot be bound to themselves or to their own downline.")]})
    binding, _created = Binding.objects.get_or_create(
        member_id=member.pk, defaults={"distributor": distributor, "source": source}
    )
    return binding


@transaction.atomic
def rebind(*, member_id: int, code: str, by: str, reason: str = "") -> Binding:
    """The merchant moves a member to another distributor (audited). Past commission stays where it was."""
    binding = Binding.objects.select_for_update().filter(member_id=member_id).first()
    distributor = _distributor_for_code(code, field="code")
    if _would_cycle(member_id, distributor):
        raise Invalid(errors={"code": [_("A member cannot be bound to themselves or to their own downline.")]})
    previous = binding.distributor if binding else None
    if binding is None:
        binding = Binding.objects.create(member_id=member_id, distributor=distributor, source="rebind")
    else:
        binding.distributor, binding.source = distributor, "rebind"
        binding.save(update_fields=["distributor", "source"])
    RebindAudit.objects.create(
        member_id=member_id, from_distributor=previous, to_distributor=distributor, by=by, reason=reason[:200]
    )
    return binding


# --- the ledger (called from handlers.py for order events only) ---------------------------------------------


def _chain(buyer_id: int, settings: DistributionSettings) -> list[Distributor | None]:
    """Who earns per level: level 1 = the buyer (self-purchase on, approved) or the buyer's distributor;
    each next level is the previous one's upline. An unapproved distributor earns nothing but keeps the chain."""
    chain: list[Distributor | None] = []
    own = Distributor.objects.select_related("tier").filter(member_id=buyer_id).first()
    if settings.self_purchase_commission and selectors.approved(own):
        current = own
    else:
        current = selectors.upline_of(member_id=buyer_id)
    seen = set()
    while current is not None and len(chain) < settings.levels and current.pk not in seen:
        seen.add(current.pk)
        chain.append(current)
        current = selectors.upline_of(member_id=current.member_id)
    return chain


def _rates_for(lines: list[dict], distributor: Distributor, settings: DistributionSettings, level: int) -> list[int]:
    """SKU override > product override > the distributor's tier rates > the shop's rates."""
    overrides = RateOverride.objects.filter(
        Q(sku_id__in=[line["sku_id"] for line in lines]) | Q(product_id__in=[line["product_id"] for line in lines])
    )
    by_sku = {o.sku_id: o.rates_bps for o in overrides if o.sku_id}
    by_product = {o.product_id: o.rates_bps for o in overrides if o.product_id}
    tier_rates = distributor.tier.rates_bps if distributor.tier_id and distributor.tier.rates_bps else None
    default = tier_rates if tier_rates and len(tier_rates) >= level else settings.rates_bps
    result = []
    for line in lines:
        rates = by_sku.get(line["sku_id"]) or by_product.get(line["product_id"]) or default
        result.append(rates[level - 1] if len(rates) >= level else 0)
    return result


@transaction.atomic
def record_commission(*, payload: dict) -> int:
    """order.paid: one pending entry per level up the chain. Idempotent per (order, level)."""
    settings = selectors.distribution_settings()
    if not settings.enabled or CommissionEntry.objects.filter(order_id=payload["order_id"]).exists():
        return 0
    lines = payload["lines"]
    created = 0
    for level, distributor in enumerate(_chain(payload["member_id"], settings), start=1):
        if not selectors.approved(distributor):
            continue
        rates = _rates_for(lines, distributor, settings, level)
        amounts = split_commission([(line["total_amount"], rate) for line, rate in zip(lines, rates, strict=True)])
        base = sum(line["total_amount"] for line in lines)
        amount = sum(amounts)
        if amount <= 0:
            continue
        CommissionEntry.objects.create(
            distributor=distributor,
            order_id=payload["order_id"],
            order_number=payload.get("order_number", ""),
            buyer_id=payload["member_id"],
            level=level,
            base_amount=base,
            rate_bps=amount * BPS // base if base else 0,
            amount=amount,
            lines=[
                {
                    "order_line_id": line["order_line_id"],
                    "base_amount": line["total_amount"],
                    "rate_bps": rate,
                    "amount": a,
                }
                for line, rate, a in zip(lines, rates, amounts, strict=True)
            ],
        )
        created += 1
    return created


@transaction.atomic
def schedule_release(*, order_id: int, completed_at: datetime) -> int:
    """order.completed: the order's pending entries become available after the freeze."""
    freeze = timedelta(days=selectors.distribution_settings().freeze_days)
    return CommissionEntry.objects.filter(order_id=order_id, status=EntryStatus.PENDING).update(
        available_at=completed_at + freeze
    )


@transaction.atomic
def release_due(*, now: datetime | None = None) -> int:
    """Set-based: every pending entry past its freeze becomes available (one UPDATE, no Python loop)."""
    return CommissionEntry.objects.filter(status=EntryStatus.PENDING, available_at__lte=now or timezone.now()).update(
        status=EntryStatus.AVAILABLE
    )


@transaction.atomic
def reverse_refund(*, payload: dict) -> int:
    """order.refunded: reverse commission pro rata per line. `refunded_amount` is the order's running total;
    goods are taken as refunded first (shipping last), so refunded goods = min(refunded_amount, goods paid).
    Each level's line commission is reversed by floor(line_amount * refunded_goods / goods); the reversal rows
    only top up to that target, so a repeated or out-of-order event changes nothing and a full refund reverses
    everything exactly. A reversal follows its commission's status: after withdrawal the balance goes negative."""
    parents = list(
        CommissionEntry.objects.select_for_update().filter(order_id=payload["order_id"], kind=EntryKind.COMMISSION)
    )
    if not parents:
        return 0  # no commission on this order: nothing to read from the payload
    goods = sum(line["total_amount"] for line in payload["lines"])
    refunded = min(int(payload.get("refunded_amount") or 0), goods)
    made = 0
    for parent in parents:
        if parent.status == EntryStatus.REVERSED:
            continue
        target = sum(pro_rata([line["amount"] for line in parent.lines], refunded, goods))
        done = -parent.reversals.aggregate(s=Coalesce(Sum("amount"), Value(0)))["s"]
        if target <= done:
            continue
        CommissionEntry.objects.create(
            distributor_id=parent.distributor_id,
            kind=EntryKind.REVERSAL,
            parent=parent,
            order_id=parent.order_id,
            order_number=parent.order_number,
            buyer_id=parent.buyer_id,
            level=parent.level,
            base_amount=-(refunded * parent.base_amount // goods if goods else 0),
            rate_bps=parent.rate_bps,
            amount=-(target - done),
            status=parent.status,
            available_at=parent.available_at,
        )
        made += 1
    return made


@transaction.atomic
def void_order(*, order_id: int) -> int:
    """order.cancelled before completion: the order's not-yet-available entries are voided."""
    return CommissionEntry.objects.filter(order_id=order_id, status=EntryStatus.PENDING).update(
        status=EntryStatus.REVERSED
    )


# --- withdrawals ----------------------------------------------------------------------------------------


@transaction.atomic
def request_withdrawal(*, member, amount: int) -> Withdrawal:
    """>= the shop's minimum and <= available, checked under a lock on the distributor row so that concurrent
    requests never take out more than available."""
    distributor = Distributor.objects.select_for_update().filter(member=member).first()
    if not selectors.approved(distributor):
        raise NotFound(_("You are not a distributor of this shop."))
    settings = selectors.distribution_settings()
    if not isinstance(amount, int) or amount < settings.min_withdrawal_amount:
        raise Invalid(
            errors={"amount": [_("Below the minimum withdrawal.")]}, min_amount=settings.min_withdrawal_amount
        )
    available = selectors.balances(distributor_id=distributor.pk).available_amount
    if amount > available:
        raise Invalid(errors={"amount": [_("More than your available balance.")]}, available_amount=available)
    return Withdrawal.objects.create(distributor=distributor, amount=amount)


def _locked_withdrawal(withdrawal_id: int) -> Withdrawal:
    if not 0 < withdrawal_id < 2**63:
        raise NotFound(_("Withdrawal not found."))
    withdrawal = Withdrawal.objects.select_for_update().filter(pk=withdrawal_id).first()
    if withdrawal is None:
        raise NotFound(_("Withdrawal not found."))
    if withdrawal.status != WithdrawalStatus.REQUESTED:
        raise Conflict(_("This withdrawal was already decided."), status=withdrawal.status)
    return withdrawal


@transaction.atomic
def approve_withdrawal(*, withdrawal_id: int, transfer_reference: str) -> Withdrawal:
    """The merchant paid it out by hand (bank or WeChat transfer): record the reference."""
    withdrawal = _locked_withdrawal(withdrawal_id)
    if not transfer_reference.strip():
        raise Invalid(errors={"transfer_reference": [_("Give the transfer reference.")]})
    withdrawal.status, withdrawal.transfer_reference = WithdrawalStatus.PAID, transfer_reference.strip()[:100]
    withdrawal.decided_at = timezone.now()
    withdrawal.save(update_fields=["status", "transfer_reference", "decided_at"])
    return withdrawal


@transaction.atomic
def reject_withdrawal(*, withdrawal_id: int, note: str = "") -> Withdrawal:
    withdrawal = _locked_withdrawal(withdrawal_id)
    withdrawal.status, withdrawal.note, withdrawal.decided_at = WithdrawalStatus.REJECTED, note[:200], timezone.now()
    withdrawal.save(update_fields=["status", "note", "decided_at"])
    return withdrawal


@transaction.atomic
def upgrade_tiers() -> int:
    """Move each distributor up to the highest tier whose sales or team-size rule it meets (never down)."""
    tiers = list(Tier.objects.order_by("-rank"))
    moved = 0
    team_sizes = dict(Binding.objects.values_list("distributor_id").annotate(n=Count("id")))
    for distributor in Distributor.objects.select_related("tier").select_for_update(of=("self",)):
        sales = (
            CommissionEntry.objects.filter(distributor=distributor, level=1, kind=EntryKind.COMMISSION)
            .exclude(status=EntryStatus.REVERSED)
            .aggregate(s=Coalesce(Sum("base_amount"), Value(0)))["s"]
        )
        current_rank = distributor.tier.rank if distributor.tier_id else -1
        for tier in tiers:
            if tier.rank <= current_rank:
                break
            meets_sales = tier.min_sales_amount and sales >= tier.min_sales_amount
            meets_team = tier.min_team_size and team_sizes.get(distributor.pk, 0) >= tier.min_team_size
            if meets_sales or meets_team:
                distributor.tier = tier
                distributor.save(update_fields=["tier"])
                moved += 1
                break
    return moved
