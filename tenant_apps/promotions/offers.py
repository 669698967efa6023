"""What promotions feeds the price engine and the storefront, read through one cached snapshot per shop.

- `item_offers(...)`: step 2 offers (limited-time discounts; member prices for a signed-in member);
- `price_boundaries(now)`: the moments prices change (starts, ends, and the last edit), so a cached page changes
  price at the exact second (pricing.register_price_boundaries);
- `live_rules(now)`: the quantity/threshold rules in force as engine Promotions (steps 3-4);
- `badges(products, now, detail)`: 限时折扣 and "满299减30" badges (storefront.register_badges).

The snapshot (rules, groups' exclusions, limited-time discount windows, whether member prices exist) is one
cache entry per shop, rebuilt after any write (`prices_changed`, on commit) and filtered by the clock at read
time, so a quote of a shop with no live promotion costs no query here.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime

from django.db import connection
from django.db.models import Max
from django.utils.translation import gettext as _
from django_tenants.utils import get_public_schema_name

from micromall.snapshots import ShopSnapshot
from tenant_apps.marketing.interface import TERMINAL, ActivityStatus
from tenant_apps.pricing import interface as pricing
from tenant_apps.pricing.interface import ItemOffer, Promotion, Scope, Tier

SNAPSHOT_SECONDS = 300
LIVE = (ActivityStatus.SCHEDULED, ActivityStatus.RUNNING)
KIND_LIMITED = "limited_discount"
KIND_MEMBER = "member_price"
EMPTY = {"rules": [], "excludes": {}, "discounts": [], "edits": [], "member_prices": False}


def prices_changed() -> None:
    """Call in every writing transaction: the snapshot is rebuilt once it commits, and the moment of the change
    (on the pricing clock) becomes a price boundary, so cached pages stop showing a paused or edited offer."""
    SNAPSHOT.changed(pricing.current_time())


def in_a_shop() -> bool:
    return connection.schema_name != get_public_schema_name()


def snapshot() -> dict:
    return SNAPSHOT.get() if in_a_shop() else EMPTY


def build_snapshot() -> dict:
    from .models import LimitedDiscount, MemberPrice, PromotionRule, RuleGroup

    rules = [
        {
            "id": rule.pk,
            "title": rule.title,
            "kind": rule.kind,
            "tiers": rule.tiers,
            "repeat": rule.repeat,
            "cap_amount": rule.cap_amount,
            "scope": rule.scope,
            "group_id": rule.group_id,
            "status": rule.status,
            "starts_at": rule.starts_at,
            "ends_at": rule.ends_at,
        }
        for rule in PromotionRule.objects.exclude(status__in=[ActivityStatus.DRAFT, *TERMINAL]).order_by("id")
    ]
    excludes: dict[int, list[int]] = {}
    if any(rule["group_id"] for rule in rules):
        for group_id, other_id in RuleGroup.excludes.through.objects.values_list("from_rulegroup", "to_rulegroup"):
            excludes.setdefault(group_id, []).append(other_id)
    discounts = [
        {"id": pk, "title": title, "status": status, "starts_at": starts_at, "ends_at": ends_at}
        for pk, title, status, starts_at, ends_at in LimitedDiscount.objects.exclude(
            status__in=[ActivityStatus.DRAFT, *TERMINAL]
        )
        .order_by("id")
        .values_list("id", "title", "status", "starts_at", "ends_at")
    ]
    last_edit = [model.objects.aggregate(last=Max("updated"))["last"] for model in (PromotionRule, LimitedDiscount)]
    last_edit.append(SNAPSHOT.last_change())
    return {
        "rules": rules,
        "excludes": excludes,
        "discounts": discounts,
        "edits": [moment for moment in last_edit if moment],
        "member_prices": MemberPrice.objects.exists(),
    }


def _live(row: dict, now: datetime) -> bool:
    return row["status"] in LIVE and row["starts_at"] <= now < row["ends_at"]


# --- step 2: item offers ---------------------------------------------------------------------------------------


def item_offers(*, sku_ids=None, product_ids=None, now: datetime, member_id: int | None = None):
    from .models import LimitedDiscountItem, MemberPrice

    data = snapshot()
    live = [row["id"] for row in data["discounts"] if _live(row, now)]
    if (sku_ids is not None and not sku_ids) or (product_ids is not None and not product_ids):
        return []
    offers = []
    if live:
        rows = LimitedDiscountItem.objects.filter(discount_id__in=live)
        rows = rows.filter(sku_id__in=sku_ids) if sku_ids is not None else rows
        rows = rows.filter(product_id__in=product_ids) if product_ids is not None else rows
        offers += [
            ItemOffer(
                sku_id=sku, kind=KIND_LIMITED, code=f"ltd-{discount}", unit_price_amount=price, product_id=product
            )
            for sku, product, discount, price in rows.values_list("sku_id", "product_id", "discount_id", "price_amount")
        ]
    if member_id is not None and data["member_prices"]:
        rows = MemberPrice.objects.all()
        rows = rows.filter(sku_id__in=sku_ids) if sku_ids is not None else rows
        rows = rows.filter(product_id__in=product_ids) if product_ids is not None else rows
        offers += [
            ItemOffer(sku_id=sku, kind=KIND_MEMBER, code="member-price", unit_price_amount=price, product_id=product)
            for sku, product, price in rows.values_list("sku_id", "product_id", "price_amount")
        ]
    return offers


def price_boundaries(now: datetime) -> list[datetime]:
    data = snapshot()
    moments = [moment for row in data["rules"] + data["discounts"] for moment in (row["starts_at"], row["ends_at"])]
    return moments + data["edits"]


# --- steps 3-4: the rules in force -----------------------------------------------------------------------------


def as_promotion(row: dict, excludes: dict) -> Promotion:
    scope = row["scope"] or {}
    group = f"group-{row['group_id']}" if row["group_id"] else ""
    return Promotion(
        kind=row["kind"],
        code=f"promo-{row['id']}",
        name=row["title"],
        tiers=tuple(
            Tier(
                threshold_amount=tier.get("threshold_amount") or 0,
                threshold_quantity=tier.get("threshold_quantity") or 0,
                reduce_amount=tier.get("reduce_amount") or 0,
                percent_off=tier.get("percent_off") or 0,
                gift_sku_ids=tuple(tier.get("gift_sku_ids") or ()),
                bundle_price_amount=tier.get("bundle_price_amount") or 0,
            )
            for tier in row["tiers"]
        ),
        group=group,
        scope=Scope(
            product_ids=frozenset(scope.get("products", ())),
            category_ids=frozenset(scope.get("categories", ())),
            exclude_product_ids=frozenset(scope.get("exclude_products", ())),
            exclude_category_ids=frozenset(scope.get("exclude_categories", ())),
        ),
        repeat=row["repeat"],
        cap_amount=row["cap_amount"],
        excludes=frozenset(f"group-{other}" for other in excludes.get(row["group_id"], ()) if row["group_id"]),
    )


def live_rules(now: datetime) -> list[tuple[dict, Promotion]]:
    data = snapshot()
    return [(row, as_promotion(row, data["excludes"])) for row in data["rules"] if _live(row, now)]


# --- badges --------------------------------------------------------------------------------------------------


def yuan(amount: int) -> str:
    """12900 -> "129", 12950 -> "129.5" (how tags print prices: 满299减30)."""
    major, minor = divmod(amount, 100)
    return str(major) if not minor else f"{major}.{minor:02d}".rstrip("0")


def tier_label(kind: str, tier: Tier, repeat: bool) -> str:
    if kind == "threshold_reduce":
        text = _("Every ¥%(threshold)s off ¥%(amount)s") if repeat else _("Spend ¥%(threshold)s, ¥%(amount)s off")
        return text % {"threshold": yuan(tier.threshold_amount), "amount": yuan(tier.reduce_amount)}
    if kind == "threshold_percent":
        return _("Spend ¥%(threshold)s, %(percent)s%% off") % {
            "threshold": yuan(tier.threshold_amount),
            "percent": tier.percent_off,
        }
    if kind == "threshold_gift":
        return _("Spend ¥%(threshold)s, get a gift") % {"threshold": yuan(tier.threshold_amount)}
    if kind == "bundle":
        return _("%(count)s for ¥%(price)s") % {
            "count": tier.threshold_quantity,
            "price": yuan(tier.bundle_price_amount),
        }
    return _("Item %(count)s: %(percent)s%% off") % {"count": tier.threshold_quantity, "percent": tier.percent_off}


def rule_labels(promotion: Promotion) -> list[str]:
    tiers = sorted(promotion.tiers, key=lambda t: (t.threshold_amount, t.threshold_quantity))
    return [tier_label(promotion.kind, tier, promotion.repeat) for tier in tiers]


def badges(*, products: Sequence, now: datetime, detail: bool = False) -> dict[int, list]:
    from tenant_apps.storefront.interface import Badge

    from .models import LimitedDiscountItem

    data = snapshot()
    found: dict[int, list] = {}
    live = {row["id"]: row for row in data["discounts"] if _live(row, now)}
    ids = [product.product_id for product in products]
    if live and ids:
        ends: dict[int, datetime] = {}
        for product_id, discount_id in (
            LimitedDiscountItem.objects.filter(discount_id__in=live, product_id__in=ids)
            .values_list("product_id", "discount_id")
            .distinct()
        ):
            end = live[discount_id]["ends_at"]
            ends[product_id] = min(end, ends.get(product_id, end))
        for product_id, end in ends.items():
            found.setdefault(product_id, []).append(
                Badge(kind=KIND_LIMITED, label=_("Limited-time discount"), ends_at=end)
            )
    rules = live_rules(now)
    for product in products:
        line = _scope_probe(product)
        for _row, promotion in rules:
            if promotion.scope.covers(line):
                labels = rule_labels(promotion)
                for label in labels if detail else labels[:1]:
                    found.setdefault(product.product_id, []).append(
                        Badge(kind=promotion.kind, label=label, ends_at=None)
                    )
    return found


def _scope_probe(product):
    from tenant_apps.pricing.interface import LineInput

    return LineInput(
        sku_id=0, product_id=product.product_id, category_id=product.category_id, quantity=1, list_price_amount=0
    )


def gift_sku_ids(rules: Iterable[Promotion]) -> set[int]:
    return {sku_id for promotion in rules for tier in promotion.tiers for sku_id in tier.gift_sku_ids}


SNAPSHOT = ShopSnapshot("promotions", build_snapshot, seconds=SNAPSHOT_SECONDS)
