"""Reads: rules, groups, limited-time discounts, member prices, uses; the cart simulation and the cart progress."""

from collections.abc import Sequence

from django.db.models import Count, F, Q, QuerySet, Sum
from django.utils.translation import gettext as _

from tenant_apps.checkout.interface import quote
from tenant_apps.marketing.interface import effective_status
from tenant_apps.members.interface import Member
from tenant_apps.pricing import interface as pricing

from .models import LimitedDiscount, MemberPrice, PromotionRule, PromotionUse, RuleGroup
from .offers import as_promotion, live_rules, yuan


def rules() -> QuerySet[PromotionRule]:
    return PromotionRule.objects.select_related("group").order_by("-id")


def rule(rule_id: int) -> PromotionRule | None:
    return PromotionRule.objects.filter(pk=rule_id).first()


def groups() -> QuerySet[RuleGroup]:
    return RuleGroup.objects.prefetch_related("excludes").order_by("name", "id")


def group(group_id: int) -> RuleGroup | None:
    return RuleGroup.objects.prefetch_related("excludes").filter(pk=group_id).first()


def limited_discounts() -> QuerySet[LimitedDiscount]:
    return LimitedDiscount.objects.prefetch_related("items").order_by("-id")


def limited_discount(discount_id: int) -> LimitedDiscount | None:
    return LimitedDiscount.objects.prefetch_related("items").filter(pk=discount_id).first()


def member_prices() -> QuerySet[MemberPrice]:
    return MemberPrice.objects.order_by("product_id", "sku_id")


def status_of(activity, now=None) -> str:
    return effective_status(activity.status, activity.starts_at, activity.ends_at, now or pricing.current_time())


def use_totals(codes: Sequence[str]) -> dict[str, dict]:
    """{code: {"orders", "amount"}} over orders not cancelled nor refunded in full; partly refunded orders count
    the discount their kept units got."""
    rows = (
        PromotionUse.objects.filter(code__in=codes)
        .values("code")
        .annotate(
            orders=Count("id", filter=Q(voided=False)),
            amount=Sum(F("amount") - F("refunded_amount"), filter=Q(voided=False)),
        )
    )
    return {row["code"]: {"orders": row["orders"], "amount": row["amount"] or 0} for row in rows}


def member(member_id: int | None):
    if member_id is None:
        return None
    return Member.objects.filter(pk=member_id, is_active=True).first()


def simulate(*, items: Sequence[tuple[int, int]], member_id: int | None = None):
    """What a cart would pay now and why (the quote every checkout uses, no address, stock not required)."""
    buyer = member(member_id)
    if member_id is not None and buyer is None:
        from micromall.errors import Invalid

        raise Invalid(errors={"member_id": [_("No such member.")]})
    return quote(items=items, member=buyer, check_stock=False)


def cart_progress(priced) -> list[dict]:
    """For each threshold or bundle rule in force: what the cart still misses for its next tier ("再买¥X 减¥Y")."""
    hints = []
    for row, promotion in live_rules(pricing.current_time()):
        lines = [
            line for line in priced.lines if line.price_source != "activity" and promotion.scope.covers(_probe(line))
        ]
        if promotion.kind == "bundle":
            units = sum(line.quantity for line in lines)
            tiers = sorted(promotion.tiers, key=lambda t: t.threshold_quantity)
            nxt = next((t for t in tiers if t.threshold_quantity > units), None)
            if nxt is not None and units:
                hints.append(_hint(row, _("Add %(count)s more for %(count_all)s for ¥%(price)s") % {
                    "count": nxt.threshold_quantity - units, "count_all": nxt.threshold_quantity,
                    "price": yuan(nxt.bundle_price_amount)}))  # fmt: skip
            continue
        if not promotion.kind.startswith("threshold"):
            continue
        reached = sum(
            line.subtotal_amount - sum(a.amount for a in line.allocations if a.kind == "quantity") for line in lines
        )
        tiers = sorted(promotion.tiers, key=lambda t: t.threshold_amount)
        nxt = next((t for t in tiers if t.threshold_amount > reached), None)
        if promotion.repeat and tiers:
            tier = tiers[0]
            times = reached // tier.threshold_amount + 1
            capped = promotion.cap_amount is not None and (times - 1) * tier.reduce_amount >= promotion.cap_amount
            nxt = None if capped else tier
            target = times * tier.threshold_amount
        else:
            target = nxt.threshold_amount if nxt else 0
        if nxt is None:
            continue
        missing = yuan(target - reached)
        if promotion.kind == "threshold_reduce":
            off = nxt.reduce_amount * (target // nxt.threshold_amount if promotion.repeat else 1)
            if promotion.cap_amount is not None:
                off = min(off, promotion.cap_amount)
            text = _("Buy ¥%(missing)s more, ¥%(amount)s off") % {"missing": missing, "amount": yuan(off)}
        elif promotion.kind == "threshold_percent":
            text = _("Buy ¥%(missing)s more, %(percent)s%% off") % {"missing": missing, "percent": nxt.percent_off}
        else:
            text = _("Buy ¥%(missing)s more, get a gift") % {"missing": missing}
        hints.append(_hint(row, text, missing_amount=target - reached))
    return hints


def _hint(row, text: str, missing_amount: int | None = None) -> dict:
    return {"code": f"promo-{row['id']}", "name": row["title"], "text": text, "missing_amount": missing_amount}


def _probe(line):
    from tenant_apps.pricing.interface import LineInput

    return LineInput(
        sku_id=line.sku_id, product_id=line.product_id, category_id=line.category_id, quantity=1, list_price_amount=0
    )


def as_engine_rule(rule_row: PromotionRule):
    """A stored rule as the engine sees it (for the back office's rule preview)."""
    return as_promotion(
        {
            "id": rule_row.pk, "title": rule_row.title, "kind": rule_row.kind, "tiers": rule_row.tiers,
            "repeat": rule_row.repeat, "cap_amount": rule_row.cap_amount, "scope": rule_row.scope,
            "group_id": rule_row.group_id,
        },
        {},
    )  # fmt: skip
