"""Writers for distribution: settings, applying, binding, the commission ledger (driven by order events only)
and withdrawals. Each public function is one transaction."""

import logging
import re
import secrets
from datetime import datetime, timedelta

import stripe
from django.db import IntegrityError, connection, transaction
from django.db.models import Count, Q, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from micromall.errors import ApplicationError, Conflict, Invalid, NotFound
from shared_apps.tenancy.interface import current_shop
from tenant_apps.members.interface import Member
from tenant_apps.orders.interface import order_refunded_amount, return_window_days

from . import selectors, stripe_api
from .models import (
    MAX_LEVELS,
    Binding,
    CommissionEntry,
    DistributionSettings,
    Distributor,
    DistributorStatus,
    EntryKind,
    EntryStatus,
    PayoutMethod,
    RateOverride,
    RebindAudit,
    ReleaseSchedule,
    Tier,
    Withdrawal,
    WithdrawalStatus,
)
from .split import BPS, pro_rata, split_commission

MAX_FREEZE_DAYS = 365
CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I
STRIPE_ACCOUNT = re.compile(r"^acct_[A-Za-z0-9]{1,59}$")

log = logging.getLogger(__name__)


class PayoutUnavailable(ApplicationError):
    """Stripe refused or could not be reached: the withdrawal stays requested; asking again is safe (same key)."""

    status = 503


def effective_freeze_days(freeze_days: int) -> int:
    """The freeze actually applied: never shorter than the shop's return window (orders' after-sales setting),
    which the merchant may have raised after setting the freeze."""
    return max(freeze_days, return_window_days())


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
    window = return_window_days()
    if not isinstance(freeze_days, int) or not window <= freeze_days <= MAX_FREEZE_DAYS:
        errors["freeze_days"] = [
            _("At least the shop's return window (%(days)s days) and at most 365 days.") % {"days": window}
        ]
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


def _lock_bindings() -> None:
    """Binding writes of this shop take turns (a transaction-scoped advisory lock), so two members binding to
    each other's code at the same moment cannot both pass the cycle check: cycles are impossible, not unlikely."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(hashtext(current_schema() || ':distribution.bindings'))")


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
    _lock_bindings()
    if _would_cycle(member.pk, distributor):
        raise Invalid(errors={"ref": [_("A member cannot be bound to themselves or to their own downline.")]})
    binding, _created = Binding.objects.get_or_create(
        member_id=member.pk, defaults={"distributor": distributor, "source": source}
    )
    return binding


@transaction.atomic
def bind_from_order(*, member_id: int, code: str) -> Binding | None:
    """order.paid carrying the share code the buyer arrived with: an unbound buyer is bound (first touch).

    Never refuses (the order is paid already): an unknown, unapproved or foreign code, oneself or one's own
    downline binds nobody. Returns the new binding, or None."""
    if not code or Binding.objects.filter(member_id=member_id).exists():
        return None
    distributor = selectors.distributor_by_code(code)
    if not selectors.approved(distributor):
        return None
    _lock_bindings()
    if _would_cycle(member_id, distributor):
        return None
    binding, created = Binding.objects.get_or_create(
        member_id=member_id, defaults={"distributor": distributor, "source": "order"}
    )
    return binding if created else None


@transaction.atomic
def rebind(*, member_id: int, code: str, by: str, reason: str = "") -> Binding:
    """The merchant moves a member to another distributor (audited). Past commission stays where it was."""
    distributor = _distributor_for_code(code, field="code")
    if not Member.objects.filter(pk=member_id).exists():
        raise Invalid(errors={"member_id": [_("No member of this shop has this id.")]})
    _lock_bindings()
    binding = Binding.objects.select_for_update().filter(member_id=member_id).first()
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
    """order.paid: one pending entry per level up the chain. Idempotent per (order, level).

    First the buyer is bound when the order carries a share code (`ref`, captured at placement) and the buyer
    is not bound yet, so the distributor who brought this first order earns on it."""
    if payload.get("ref") and payload.get("member_id"):
        bind_from_order(member_id=payload["member_id"], code=payload["ref"])
    settings = selectors.distribution_settings()
    if not settings.enabled or CommissionEntry.objects.filter(order_id=payload["order_id"]).exists():
        return 0
    lines = payload["lines"]
    release = ReleaseSchedule.objects.filter(order_id=payload["order_id"]).first()  # completed already (late event)
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
            available_at=release.due_at if release else None,
        )
        created += 1
    refunded = order_refunded_amount(payload["order_id"]) if created else 0
    if refunded:  # refunded before this order.paid reached us (delivery order is not guaranteed): reverse it now
        reverse_refund(payload={**payload, "refunded_amount": refunded})  # later order.refunded top up to the same
    return created


@transaction.atomic
def schedule_release(*, order_id: int, completed_at: datetime) -> int:
    """order.completed: the order's pending entries become available after the freeze (the shop's freeze days,
    never shorter than its return window). Writes the order's ReleaseSchedule row, which release_due reads."""
    settings = selectors.distribution_settings()
    due_at = completed_at + timedelta(days=effective_freeze_days(settings.freeze_days))
    updated = CommissionEntry.objects.filter(order_id=order_id, status=EntryStatus.PENDING).update(available_at=due_at)
    if updated or settings.enabled:
        # With distribution on, the row is written even when the order has no entries yet: a late order.paid
        # (its handler retried after this one) then finds the due date (record_commission reads it).
        ReleaseSchedule.objects.update_or_create(order_id=order_id, defaults={"due_at": due_at})
    return updated


RELEASE_BATCH = 20_000  # orders per statement: the ledger pages one batch touches stay in shared buffers
RELEASE_BOUND_SQL = """
SELECT order_id FROM distribution_releaseschedule WHERE due_at <= %s AND order_id > %s
ORDER BY order_id OFFSET %s LIMIT 1
"""
RELEASE_SQL = """
WITH due AS (
    DELETE FROM distribution_releaseschedule
    WHERE due_at <= %(now)s AND order_id > %(after)s AND order_id <= %(upto)s
    RETURNING order_id
)
UPDATE distribution_commissionentry AS entry SET status = 'available'
FROM due
WHERE entry.order_id = due.order_id AND entry.status = 'pending'
  AND entry.order_id > %(after)s AND entry.order_id <= %(upto)s
"""
LAST_ORDER_ID = 2**63 - 1


@transaction.atomic
def release_due(*, now: datetime | None = None, batch: int = RELEASE_BATCH) -> int:
    """Set-based: the pending entries of every order whose freeze has ended become available.

    One statement per batch of due orders (order_id ranges, keyset): it deletes the batch's ReleaseSchedule
    rows and updates their ledger rows (UPDATE ... FROM, joined by order_id through its index). No index of the
    ledger covers status and its pages keep room (fillfactor 50), so the update is HOT: each row is rewritten
    in place and no index entry is added. Batching keeps the pages one statement touches in memory: ledger rows
    are written in roughly order_id order. Returns how many entries became available."""
    now = now or timezone.now()
    released, after = 0, -1
    with connection.cursor() as cursor:
        while True:
            cursor.execute(RELEASE_BOUND_SQL, [now, after, batch - 1])
            row = cursor.fetchone()
            upto = row[0] if row else LAST_ORDER_ID  # the last batch: everything left
            cursor.execute(RELEASE_SQL, {"now": now, "after": after, "upto": upto})
            released += cursor.rowcount
            if row is None:
                return released
            after = upto


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
        so_far = parent.reversals.aggregate(
            amount=Coalesce(Sum("amount"), Value(0)), base=Coalesce(Sum("base_amount"), Value(0))
        )
        done = -so_far["amount"]
        if target <= done:
            continue
        # The base refunded so far, as a running total too: the reversal rows' bases add up to it.
        base_target = refunded * parent.base_amount // goods if goods else 0
        CommissionEntry.objects.create(
            distributor_id=parent.distributor_id,
            kind=EntryKind.REVERSAL,
            parent=parent,
            order_id=parent.order_id,
            order_number=parent.order_number,
            buyer_id=parent.buyer_id,
            level=parent.level,
            base_amount=-(base_target + so_far["base"]),
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
    ReleaseSchedule.objects.filter(order_id=order_id).delete()
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
    withdrawal = (
        Withdrawal.objects.select_for_update(of=("self",))
        .select_related("distributor")
        .filter(pk=withdrawal_id)
        .first()
    )
    if withdrawal is None:
        raise NotFound(_("Withdrawal not found."))
    if withdrawal.status != WithdrawalStatus.REQUESTED:
        raise Conflict(_("This withdrawal was already decided."), status=withdrawal.status)
    return withdrawal


def payout_idempotency_key(withdrawal: Withdrawal) -> str:
    """From the withdrawal row (and the shop, since ids are per shop): however often the payout is asked for,
    retried or raced, Stripe makes one transfer."""
    return f"micromall-{connection.schema_name}-withdrawal-{withdrawal.pk}-payout"


def _stripe_transfer(withdrawal: Withdrawal) -> str:
    shop = current_shop()
    transfer = stripe_api.client().v1.transfers.create(
        params={
            "amount": withdrawal.amount,
            "currency": (shop.currency if shop else "CNY").lower(),
            "destination": withdrawal.distributor.stripe_account_id,
            "transfer_group": f"withdrawal-{connection.schema_name}-{withdrawal.pk}",
            "description": f"Commission withdrawal #{withdrawal.pk} ({withdrawal.distributor.code})",
            "metadata": {
                "shop": connection.schema_name,
                "withdrawal_id": str(withdrawal.pk),
                "distributor_code": withdrawal.distributor.code,
            },
        },
        options={"idempotency_key": payout_idempotency_key(withdrawal)},
    )
    return transfer.id


def pays_by_stripe(distributor: Distributor) -> bool:
    return bool(distributor.stripe_account_id) and stripe_api.configured()


def approve_withdrawal(*, withdrawal_id: int, transfer_reference: str = "") -> Withdrawal:
    """See _approve_withdrawal. Before a Stripe transfer is asked for, that is recorded and committed (when no
    outer transaction holds this one), so that a lost answer cannot be followed by a rejection or a payment by
    hand and then a second transfer for a new request."""
    if not (transfer_reference or "").strip() and not transaction.get_connection().in_atomic_block:
        _note_stripe_attempt(withdrawal_id)
    return _approve_withdrawal(withdrawal_id=withdrawal_id, transfer_reference=transfer_reference)


@transaction.atomic
def _note_stripe_attempt(withdrawal_id: int) -> None:
    withdrawal = _locked_withdrawal(withdrawal_id)
    if pays_by_stripe(withdrawal.distributor) and withdrawal.stripe_attempted_at is None:
        withdrawal.stripe_attempted_at = timezone.now()
        withdrawal.save(update_fields=["stripe_attempted_at"])


def _refuse_if_stripe_attempted(withdrawal: Withdrawal) -> None:
    if withdrawal.stripe_attempted_at is not None:
        raise Conflict(
            _("A Stripe transfer was asked for this withdrawal: approve it again to settle it (never a second one)."),
            status=withdrawal.status,
        )


@transaction.atomic
def _approve_withdrawal(*, withdrawal_id: int, transfer_reference: str = "") -> Withdrawal:
    """Pay a requested withdrawal out.

    With a transfer reference: the merchant paid by hand (bank or WeChat transfer) and records it. Without one,
    when the distributor has a Stripe connected account and Stripe is configured: a Stripe transfer from the
    platform to that account, its id recorded as the reference. Otherwise the reference is required.

    The Stripe call is made while the withdrawal row is locked: a second approval (or a rejection) waits and
    then finds it decided (409), so it is paid once. The idempotency key comes from the row, so a retry after
    a failure or a lost answer gets the same transfer, never a second one. Stripe refusing -> PayoutUnavailable
    (503), the withdrawal stays requested."""
    withdrawal = _locked_withdrawal(withdrawal_id)
    Distributor.objects.select_for_update().filter(pk=withdrawal.distributor_id).first()  # as requests lock it
    short = selectors.balances(distributor_id=withdrawal.distributor_id).available_amount
    if short < 0:  # this request counted: a refund has taken back commission it was to be paid from
        raise Conflict(
            _("A refund has taken back commission this withdrawal was to be paid from: reject it, or wait."),
            available_amount=short,
        )
    reference = (transfer_reference or "").strip()[:100]
    if reference:
        _refuse_if_stripe_attempted(withdrawal)
        method = PayoutMethod.MANUAL
    elif pays_by_stripe(withdrawal.distributor):
        method = PayoutMethod.STRIPE
        try:
            reference = _stripe_transfer(withdrawal)
        except stripe.StripeError as exc:
            log.warning("stripe: transfer for withdrawal %s failed: %s", withdrawal.pk, exc)
            raise PayoutUnavailable(
                _("The Stripe transfer failed; the withdrawal is still requested. Try again later.")
            ) from None
    else:
        raise Invalid(errors={"transfer_reference": [_("Give the transfer reference.")]})
    withdrawal.status, withdrawal.transfer_reference, withdrawal.payout_method = (
        WithdrawalStatus.PAID,
        reference,
        method,
    )
    withdrawal.decided_at = timezone.now()
    withdrawal.save(update_fields=["status", "transfer_reference", "payout_method", "decided_at"])
    return withdrawal


@transaction.atomic
def set_payout_account(*, distributor_id: int, stripe_account_id: str) -> Distributor:
    """The distributor's Stripe connected account (acct_...), or "" for manual payouts."""
    if not 0 < distributor_id < 2**63:
        raise NotFound(_("Distributor not found."))
    distributor = Distributor.objects.select_for_update().filter(pk=distributor_id).first()
    if distributor is None:
        raise NotFound(_("Distributor not found."))
    account = (stripe_account_id or "").strip()
    if account and not STRIPE_ACCOUNT.match(account):
        raise Invalid(errors={"stripe_account_id": [_("A Stripe connected account id looks like acct_1A2b3C.")]})
    distributor.stripe_account_id = account
    distributor.save(update_fields=["stripe_account_id"])
    return distributor


@transaction.atomic
def reject_withdrawal(*, withdrawal_id: int, note: str = "") -> Withdrawal:
    withdrawal = _locked_withdrawal(withdrawal_id)
    _refuse_if_stripe_attempted(withdrawal)
    withdrawal.status, withdrawal.note, withdrawal.decided_at = WithdrawalStatus.REJECTED, note[:200], timezone.now()
    withdrawal.save(update_fields=["status", "note", "decided_at"])
    return withdrawal


@transaction.atomic
def upgrade_tiers() -> int:
    """Move each distributor up to the highest tier whose sales or team-size rule it meets (never down).

    Sales = the level-1 commission bases net of refunds (reversal rows carry the refunded base, negative), voided
    orders left out; team size = members bound directly. Two grouped queries, then one pass."""
    tiers = list(Tier.objects.order_by("-rank"))
    moved = 0
    team_sizes = dict(Binding.objects.values_list("distributor_id").annotate(n=Count("id")))
    net_sales = dict(
        CommissionEntry.objects.filter(level=1)
        .exclude(status=EntryStatus.REVERSED)
        .values_list("distributor_id")
        .annotate(s=Sum("base_amount"))
    )
    for distributor in Distributor.objects.select_related("tier").select_for_update(of=("self",)):
        sales = net_sales.get(distributor.pk, 0)
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
