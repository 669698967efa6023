"""The only writers of promotions: rules, rule groups, limited-time discounts, member prices, and the uses an
order records. Keyword-only, one transaction each; refusals are micromall.errors with API field names."""

from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from micromall.errors import Conflict, Invalid, NotFound
from micromall.money import MAX_AMOUNT
from tenant_apps.catalog.interface import category_rows, existing_product_ids, skus_for_sale
from tenant_apps.marketing.interface import TERMINAL, ActivityStatus, change_activity_status, check_window
from tenant_apps.pricing import interface as pricing

from .models import (
    QUANTITY_KINDS,
    LimitedDiscount,
    LimitedDiscountItem,
    MemberPrice,
    PromotionRule,
    PromotionUse,
    RuleGroup,
    RuleKind,
)
from .offers import prices_changed

MAX_TIERS = 5
MAX_GIFTS = 5
MAX_SCOPE_IDS = 200
MAX_ITEMS = 500
SCOPE_KEYS = ("products", "categories", "exclude_products", "exclude_categories")
REPEATABLE = (RuleKind.THRESHOLD_REDUCE, RuleKind.BUNDLE, RuleKind.NTH_PERCENT)
CAPPABLE = (RuleKind.THRESHOLD_REDUCE, RuleKind.THRESHOLD_PERCENT)


def _whole(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _amount(errors, key, value, *, minimum: int = 1) -> int | None:
    if not _whole(value) or not minimum <= value <= MAX_AMOUNT:
        errors[key] = [_("Give an amount in fen from %(min)d to %(max)d.") % {"min": minimum, "max": MAX_AMOUNT}]
        return None
    return value


def _percent(errors, key, value) -> int | None:
    if not _whole(value) or not 1 <= value <= 99:
        errors[key] = [_("Give the share taken off, a whole number from 1 to 99 (12 = 12 percent off).")]
        return None
    return value


def _quantity(errors, key, value) -> int | None:
    if not _whole(value) or not 2 <= value <= 99:
        errors[key] = [_("Give a number of items from 2 to 99.")]
        return None
    return value


# --- rules -----------------------------------------------------------------------------------------------


def clean_tiers(kind: str, tiers) -> list[dict]:
    """The tiers of a rule of `kind` as stored; Invalid with `tiers.<i>.<field>` messages."""
    if not isinstance(tiers, (list, tuple)) or not tiers:
        raise Invalid(errors={"tiers": [_("Give at least one tier.")]})
    if len(tiers) > MAX_TIERS:
        raise Invalid(errors={"tiers": [_("At most %(count)d tiers.") % {"count": MAX_TIERS}]})
    errors: dict[str, list[str]] = {}
    clean = []
    by_quantity = kind in QUANTITY_KINDS
    for index, tier in enumerate(tiers):
        key = f"tiers.{index}"
        if not isinstance(tier, Mapping):
            errors[key] = [_("Each tier is an object.")]
            continue
        row: dict[str, Any] = {}
        if by_quantity:
            row["threshold_quantity"] = _quantity(errors, f"{key}.threshold_quantity", tier.get("threshold_quantity"))
        else:
            row["threshold_amount"] = _amount(errors, f"{key}.threshold_amount", tier.get("threshold_amount"))
        if kind == RuleKind.THRESHOLD_REDUCE:
            row["reduce_amount"] = _amount(errors, f"{key}.reduce_amount", tier.get("reduce_amount"))
            if row["reduce_amount"] and row["threshold_amount"] and row["reduce_amount"] > row["threshold_amount"]:
                errors[f"{key}.reduce_amount"] = [_("The amount off cannot be more than the threshold.")]
        elif kind in (RuleKind.THRESHOLD_PERCENT, RuleKind.NTH_PERCENT):
            row["percent_off"] = _percent(errors, f"{key}.percent_off", tier.get("percent_off"))
        elif kind == RuleKind.BUNDLE:
            row["bundle_price_amount"] = _amount(errors, f"{key}.bundle_price_amount", tier.get("bundle_price_amount"))
        elif kind == RuleKind.THRESHOLD_GIFT:
            gifts = tier.get("gift_sku_ids")
            if gifts is None and tier.get("gift_sku_id") is not None:
                gifts = [tier.get("gift_sku_id")]
            if not isinstance(gifts, (list, tuple)) or not 1 <= len(gifts) <= MAX_GIFTS:
                errors[f"{key}.gift_sku_ids"] = [_("Give 1 to %(count)d gift SKUs.") % {"count": MAX_GIFTS}]
            elif not all(_whole(g) and 0 < g < 2**63 for g in gifts) or len(set(gifts)) != len(gifts):
                errors[f"{key}.gift_sku_ids"] = [_("Give each gift SKU id once.")]
            else:
                row["gift_sku_ids"] = list(gifts)
        clean.append(row)
    if errors:
        raise Invalid(errors=errors)
    threshold = "threshold_quantity" if by_quantity else "threshold_amount"
    reward = {"threshold_reduce": "reduce_amount", "threshold_percent": "percent_off"}.get(kind)
    for index in range(1, len(clean)):
        before, tier = clean[index - 1], clean[index]
        if tier[threshold] <= before[threshold]:
            errors[f"tiers.{index}.{threshold}"] = [_("Tiers go up: each threshold must be above the one before.")]
        elif reward and tier[reward] <= before[reward]:
            errors[f"tiers.{index}.{reward}"] = [_("Tiers go up: a higher tier must give more than the one before.")]
    gift_ids = {g for tier in clean for g in tier.get("gift_sku_ids", ())}
    if gift_ids and not errors:
        found = skus_for_sale(gift_ids)
        for index, tier in enumerate(clean):
            if any(g not in found for g in tier.get("gift_sku_ids", ())):
                errors[f"tiers.{index}.gift_sku_ids"] = [_("No such SKU in this shop.")]
    if errors:
        raise Invalid(errors=errors)
    return clean


def clean_scope(scope) -> dict[str, list[int]]:
    if scope in (None, ""):
        return {}
    if not isinstance(scope, Mapping) or set(scope) - set(SCOPE_KEYS):
        raise Invalid(errors={"scope": [_("Scope takes products, categories, exclude_products, exclude_categories.")]})
    errors: dict[str, list[str]] = {}
    clean: dict[str, list[int]] = {}
    category_ids = None
    for key in SCOPE_KEYS:
        ids = scope.get(key) or []
        if not isinstance(ids, (list, tuple)) or len(ids) > MAX_SCOPE_IDS or not all(_whole(i) for i in ids):
            errors[f"scope.{key}"] = [_("Give at most %(count)d ids.") % {"count": MAX_SCOPE_IDS}]
            continue
        ids = sorted(set(ids))
        if "products" in key:
            known = existing_product_ids(ids)
        else:
            category_ids = category_ids if category_ids is not None else {row[0] for row in category_rows()}
            known = category_ids
        if any(i not in known for i in ids):
            errors[f"scope.{key}"] = [_("Some of these ids are not in this shop.")]
        elif ids:
            clean[key] = ids
    if errors:
        raise Invalid(errors=errors)
    return clean


def clean_rule(data: Mapping, *, current: PromotionRule | None = None) -> dict:
    """A rule's fields checked together (a PATCH merges its fields over `current` first)."""
    merged = {
        "name": current.title if current else None,
        "kind": current.kind if current else None,
        "tiers": current.tiers if current else None,
        "repeat": current.repeat if current else False,
        "cap_amount": current.cap_amount if current else None,
        "starts_at": current.starts_at if current else None,
        "ends_at": current.ends_at if current else None,
        "scope": current.scope if current else {},
        "group_id": current.group_id if current else None,
    }
    merged.update({key: value for key, value in data.items() if key in merged})
    errors: dict[str, list[str]] = {}
    name = merged["name"]
    if not isinstance(name, str) or not name.strip() or len(name.strip()) > 100:
        errors["name"] = [_("Give a name of 1 to 100 characters.")]
    kind = merged["kind"]
    if kind not in RuleKind.values:
        errors["kind"] = [_("Unknown kind.")]
    if current is not None and kind != current.kind:
        errors["kind"] = [_("The kind of a rule cannot change; create a new rule.")]
    repeat = merged["repeat"]
    if not isinstance(repeat, bool):
        errors["repeat"] = [_("Give true or false.")]
    cap = merged["cap_amount"]
    try:
        check_window(merged["starts_at"], merged["ends_at"])
    except Invalid as refused:
        errors.update(refused.errors)
    tiers = None
    if "kind" not in errors:
        try:
            tiers = clean_tiers(kind, merged["tiers"])
        except Invalid as refused:
            errors.update(refused.errors)
        if repeat is True and kind not in REPEATABLE:
            errors["repeat"] = [_("Only spend-and-save, N-items-for-a-price and n-th item rules repeat.")]
        elif repeat is True and kind == RuleKind.THRESHOLD_REDUCE and tiers is not None and len(tiers) != 1:
            errors["repeat"] = [_("A repeating spend-and-save rule (every X) has exactly one tier.")]
        if cap is not None:
            if kind not in CAPPABLE:
                errors["cap_amount"] = [_("Only spend-and-save and spend-and-get-percent-off rules take a cap.")]
            else:
                _amount(errors, "cap_amount", cap)
    try:
        scope = clean_scope(merged["scope"])
    except Invalid as refused:
        errors.update(refused.errors)
        scope = {}
    group_id = merged["group_id"]
    if group_id is not None and (
        not _whole(group_id) or not 0 < group_id < 2**63 or not RuleGroup.objects.filter(pk=group_id).exists()
    ):
        errors["group_id"] = [_("No such rule group.")]
    if errors:
        raise Invalid(errors=errors)
    return {
        "title": name.strip(),
        "kind": kind,
        "tiers": tiers,
        "repeat": repeat,
        "cap_amount": cap,
        "starts_at": merged["starts_at"],
        "ends_at": merged["ends_at"],
        "scope": scope,
        "group_id": group_id,
    }


@transaction.atomic
def create_rule(*, publish: bool = False, **data) -> PromotionRule:
    rule = PromotionRule.objects.create(**clean_rule(data))
    if publish:
        rule = change_activity_status(PromotionRule, activity_id=rule.pk, action="publish", now=pricing.current_time())
    prices_changed()
    return rule


@transaction.atomic
def update_rule(*, rule_id: int, **data) -> PromotionRule:
    rule = PromotionRule.objects.select_for_update().filter(pk=rule_id).first()
    if rule is None:
        raise NotFound(_("No such promotion."))
    _refuse_terminal(rule)
    for field, value in clean_rule(data, current=rule).items():
        setattr(rule, field, value)
    rule.save()
    prices_changed()
    return rule


def _refuse_terminal(activity) -> None:
    if activity.status in TERMINAL:
        raise Conflict(
            _("This activity is %(status)s and can no longer be changed.")
            % {"status": ActivityStatus(activity.status).label},
            status=activity.status,
        )


@transaction.atomic
def change_rule_status(*, rule_id: int, action: str, now: datetime | None = None) -> PromotionRule:
    if not PromotionRule.objects.filter(pk=rule_id).exists():
        raise NotFound(_("No such promotion."))
    rule = change_activity_status(PromotionRule, activity_id=rule_id, action=action, now=now or pricing.current_time())
    prices_changed()
    return rule


@transaction.atomic
def delete_rule(*, rule_id: int) -> None:
    """Only drafts are deleted; a published rule is ended or invalidated (its orders keep pointing at it)."""
    rule = PromotionRule.objects.select_for_update().filter(pk=rule_id).first()
    if rule is None:
        raise NotFound(_("No such promotion."))
    if rule.status != ActivityStatus.DRAFT:
        raise Conflict(_("Only a draft can be deleted; end or invalidate a published activity."), status=rule.status)
    rule.delete()


# --- rule groups -----------------------------------------------------------------------------------------


def _clean_group(*, name, excludes, group_id: int | None = None) -> tuple[str, list[int]]:
    errors = {}
    if not isinstance(name, str) or not name.strip() or len(name.strip()) > 60:
        errors["name"] = [_("Give a name of 1 to 60 characters.")]
    elif RuleGroup.objects.filter(name=name.strip()).exclude(pk=group_id).exists():
        errors["name"] = [_("A rule group with this name already exists.")]
    excludes = list(excludes or [])
    if not all(_whole(i) and 0 < i < 2**63 for i in excludes):
        errors["excludes"] = [_("Give rule group ids.")]
    elif group_id is not None and group_id in excludes:
        errors["excludes"] = [_("A group cannot exclude itself.")]
    elif RuleGroup.objects.filter(pk__in=excludes).count() != len(set(excludes)):
        errors["excludes"] = [_("No such rule group.")]
    if errors:
        raise Invalid(errors=errors)
    return name.strip(), sorted(set(excludes))


@transaction.atomic
def create_group(*, name: str, excludes: Iterable[int] = ()) -> RuleGroup:
    name, excludes = _clean_group(name=name, excludes=excludes)
    group = RuleGroup.objects.create(name=name)
    group.excludes.set(excludes)
    prices_changed()
    return group


@transaction.atomic
def update_group(*, group_id: int, name: str, excludes: Iterable[int] = ()) -> RuleGroup:
    group = RuleGroup.objects.select_for_update().filter(pk=group_id).first()
    if group is None:
        raise NotFound(_("No such rule group."))
    group.name, excludes = _clean_group(name=name, excludes=excludes, group_id=group_id)
    group.save(update_fields=["name"])
    group.excludes.set(excludes)
    prices_changed()
    return group


@transaction.atomic
def delete_group(*, group_id: int) -> None:
    group = RuleGroup.objects.filter(pk=group_id).first()
    if group is None:
        raise NotFound(_("No such rule group."))
    if group.rules.exists():
        raise Conflict(_("Rules still use this group: move them first."))
    group.delete()
    prices_changed()


# --- limited-time discounts --------------------------------------------------------------------------------


def clean_items(items, *, starts_at, ends_at, discount_id: int | None = None) -> list[LimitedDiscountItem]:
    """[{sku_id, price_amount}] -> unsaved items; each price below the SKU's list price, each SKU in no other
    live limited-time discount whose window overlaps this one."""
    if not isinstance(items, (list, tuple)) or not items:
        raise Invalid(errors={"items": [_("Add at least one SKU.")]})
    if len(items) > MAX_ITEMS:
        raise Invalid(errors={"items": [_("At most %(count)d SKUs.") % {"count": MAX_ITEMS}]})
    errors: dict[str, list[str]] = {}
    wanted = []
    for index, item in enumerate(items):
        if not isinstance(item, Mapping):
            errors[f"items.{index}"] = [_("Give sku_id and price_amount.")]
            continue
        sku_id = item.get("sku_id")
        if not _whole(sku_id) or not 0 < sku_id < 2**63:
            errors[f"items.{index}.sku_id"] = [_("Not a valid SKU id.")]
            continue
        wanted.append((index, sku_id, _amount(errors, f"items.{index}.price_amount", item.get("price_amount"))))
    skus = skus_for_sale(sku_id for _index, sku_id, _price in wanted)
    clashing = set()
    if starts_at and ends_at:
        clashing = set(
            LimitedDiscountItem.objects.filter(
                sku_id__in=[sku_id for _index, sku_id, _price in wanted],
                discount__starts_at__lt=ends_at,
                discount__ends_at__gt=starts_at,
            )
            .exclude(discount__status__in=TERMINAL)
            .exclude(discount_id=discount_id)
            .values_list("sku_id", flat=True)
        )
    seen = set()
    rows = []
    for index, sku_id, price in wanted:
        sku = skus.get(sku_id)
        if sku is None:
            errors[f"items.{index}.sku_id"] = [_("No such SKU in this shop.")]
        elif sku_id in seen:
            errors[f"items.{index}.sku_id"] = [_("This SKU is listed twice.")]
        elif sku_id in clashing:
            errors[f"items.{index}.sku_id"] = [_("This SKU is in another limited-time discount at the same time.")]
        elif price is not None and price >= sku.price_amount:
            errors[f"items.{index}.price_amount"] = [_("The discount price must be below the SKU's price.")]
        else:
            rows.append(LimitedDiscountItem(sku_id=sku_id, product_id=sku.product_id, price_amount=price))
        seen.add(sku_id)
    if errors:
        raise Invalid(errors=errors)
    return rows


def _clean_title(title) -> str:
    if not isinstance(title, str) or not title.strip() or len(title.strip()) > 100:
        raise Invalid(errors={"title": [_("Give a title of 1 to 100 characters.")]})
    return title.strip()


@transaction.atomic
def create_limited_discount(
    *, title: str, starts_at: datetime, ends_at: datetime, items, publish: bool = False
) -> LimitedDiscount:
    errors = {}
    try:
        title = _clean_title(title)
    except Invalid as refused:
        errors.update(refused.errors)
    try:
        check_window(starts_at, ends_at)
    except Invalid as refused:
        errors.update(refused.errors)
    try:
        rows = clean_items(items, starts_at=starts_at, ends_at=ends_at)
    except Invalid as refused:
        errors.update(refused.errors)
    if errors:
        raise Invalid(errors=errors)
    discount = LimitedDiscount.objects.create(title=title, starts_at=starts_at, ends_at=ends_at)
    for row in rows:
        row.discount = discount
    LimitedDiscountItem.objects.bulk_create(rows)
    if publish:
        discount = change_activity_status(
            LimitedDiscount, activity_id=discount.pk, action="publish", now=pricing.current_time()
        )
    prices_changed()
    return discount


@transaction.atomic
def update_limited_discount(*, discount_id: int, **changes) -> LimitedDiscount:
    discount = LimitedDiscount.objects.select_for_update().filter(pk=discount_id).first()
    if discount is None:
        raise NotFound(_("No such limited-time discount."))
    _refuse_terminal(discount)
    errors = {}
    title = changes.get("title", discount.title)
    starts_at, ends_at = changes.get("starts_at", discount.starts_at), changes.get("ends_at", discount.ends_at)
    try:
        title = _clean_title(title)
    except Invalid as refused:
        errors.update(refused.errors)
    try:
        check_window(starts_at, ends_at)
    except Invalid as refused:
        errors.update(refused.errors)
    items = changes.get("items")
    if items is None:
        items = [{"sku_id": i.sku_id, "price_amount": i.price_amount} for i in discount.items.all()]
    try:
        rows = clean_items(items, starts_at=starts_at, ends_at=ends_at, discount_id=discount.pk)
    except Invalid as refused:
        errors.update(refused.errors)
    if errors:
        raise Invalid(errors=errors)
    discount.title, discount.starts_at, discount.ends_at = title, starts_at, ends_at
    discount.save()
    discount.items.all().delete()
    for row in rows:
        row.discount = discount
    LimitedDiscountItem.objects.bulk_create(rows)
    prices_changed()
    return discount


@transaction.atomic
def change_limited_discount_status(*, discount_id: int, action: str, now: datetime | None = None):
    if not LimitedDiscount.objects.filter(pk=discount_id).exists():
        raise NotFound(_("No such limited-time discount."))
    discount = change_activity_status(
        LimitedDiscount, activity_id=discount_id, action=action, now=now or pricing.current_time()
    )
    prices_changed()
    return discount


@transaction.atomic
def delete_limited_discount(*, discount_id: int) -> None:
    discount = LimitedDiscount.objects.select_for_update().filter(pk=discount_id).first()
    if discount is None:
        raise NotFound(_("No such limited-time discount."))
    if discount.status != ActivityStatus.DRAFT:
        raise Conflict(
            _("Only a draft can be deleted; end or invalidate a published activity."), status=discount.status
        )
    discount.delete()


# --- member prices -----------------------------------------------------------------------------------------


@transaction.atomic
def set_member_prices(*, items) -> list[MemberPrice]:
    """Create or change member prices [{sku_id, price_amount}] (each below the SKU's list price)."""
    if not isinstance(items, (list, tuple)) or not items:
        raise Invalid(errors={"items": [_("Add at least one SKU.")]})
    if len(items) > MAX_ITEMS:
        raise Invalid(errors={"items": [_("At most %(count)d SKUs.") % {"count": MAX_ITEMS}]})
    errors: dict[str, list[str]] = {}
    ids = [item.get("sku_id") if isinstance(item, Mapping) else None for item in items]
    skus = skus_for_sale(i for i in ids if _whole(i) and 0 < i < 2**63)
    seen = set()
    clean = []
    for index, item in enumerate(items):
        sku_id = ids[index]
        if not _whole(sku_id) or sku_id not in skus:
            errors[f"items.{index}.sku_id"] = [_("No such SKU in this shop.")]
            continue
        if sku_id in seen:
            errors[f"items.{index}.sku_id"] = [_("This SKU is listed twice.")]
            continue
        seen.add(sku_id)
        price = _amount(errors, f"items.{index}.price_amount", item.get("price_amount"))
        if price is not None and price >= skus[sku_id].price_amount:
            errors[f"items.{index}.price_amount"] = [_("The member price must be below the SKU's price.")]
            continue
        clean.append((sku_id, skus[sku_id].product_id, price))
    if errors:
        raise Invalid(errors=errors)
    existing = {row.sku_id: row for row in MemberPrice.objects.select_for_update().filter(sku_id__in=seen)}
    now = timezone.now()
    for sku_id, product_id, price in clean:
        row = existing.get(sku_id)
        if row is None:
            existing[sku_id] = MemberPrice.objects.create(sku_id=sku_id, product_id=product_id, price_amount=price)
        elif row.price_amount != price:
            row.price_amount, row.updated = price, now
            row.save(update_fields=["price_amount", "updated"])
    return [existing[sku_id] for sku_id, _product, _price in clean]


@transaction.atomic
def delete_member_price(*, sku_id: int) -> None:
    deleted, _rows = MemberPrice.objects.filter(sku_id=sku_id).delete()
    if not deleted:
        raise NotFound(_("This SKU has no member price."))


# --- uses ------------------------------------------------------------------------------------------------


def record_uses(*, order_id: int, member_id: int | None, uses: list[dict]) -> None:
    """In the order's transaction: one row per rule / discount the order took part in, with its snapshot."""
    PromotionUse.objects.bulk_create(
        [PromotionUse(order_id=order_id, member_id=member_id, **use) for use in uses], ignore_conflicts=True
    )


@transaction.atomic
def void_uses(*, order_id: int) -> int:
    """A cancelled (or fully refunded) order no longer counts for its rules. Idempotent."""
    return PromotionUse.objects.filter(order_id=order_id, voided=False).update(voided=True)


def _units_by_sku(lines) -> dict[int, int]:
    units: dict[int, int] = {}
    for line in lines or ():
        if isinstance(line, Mapping) and _whole(line.get("sku_id")) and _whole(line.get("quantity")):
            units[line["sku_id"]] = units.get(line["sku_id"], 0) + max(line["quantity"], 0)
    return units


def _refunded_share(snapshot_line: Mapping, bought: int, refunded: int) -> int:
    """The discount a line's refunded units took: a rule's allocated amount in proportion to the units (floor, so
    partial refunds never return more than the whole; all units return all of it), or an item price's saving per
    unit times the units."""
    if "amount" in snapshot_line:
        amount = snapshot_line["amount"] or 0
        return amount if refunded >= bought else amount * refunded // max(bought, 1)
    saving = (snapshot_line.get("list_price_amount") or 0) - (snapshot_line.get("unit_price_amount") or 0)
    return max(saving, 0) * min(refunded, bought)


@transaction.atomic
def return_uses(*, order_id: int, payload: Mapping) -> int:
    """order.refunded: the rules, limited-time discounts and member prices the order used count only what its kept
    units got (PROMOTIONS.md: a refund returns each line's allocated share, thresholds are not re-run). Refunded
    lines (after-sales) return their units' share, cumulatively; a full refund voids the uses as a cancellation
    does; a partial money refund without lines (a gateway-side refund) changes nothing. Exactly once per event
    (the events app's Delivery rows). Returns the uses changed."""
    uses = list(PromotionUse.objects.select_for_update().filter(order_id=order_id, voided=False).order_by("pk"))
    if not uses:
        return 0
    total, refunded = payload.get("total_amount"), payload.get("refunded_amount") or 0
    if _whole(total) and refunded >= total:
        return PromotionUse.objects.filter(pk__in=[use.pk for use in uses]).update(voided=True)
    returned = _units_by_sku(payload.get("refunded_lines"))
    if not returned:
        return 0
    bought = _units_by_sku(payload.get("lines"))
    changed = 0
    for use in uses:  # every use keeps the order's refunded units, so each knows when all of them are back
        lines = [line for line in (use.snapshot or {}).get("lines", []) if isinstance(line, Mapping)]
        units = dict(use.refunded_units or {})
        for sku_id, quantity in returned.items():
            units[str(sku_id)] = min(units.get(str(sku_id), 0) + quantity, bought.get(sku_id, 0))
        use.refunded_units = units
        use.refunded_amount = min(
            use.amount,
            sum(
                _refunded_share(line, bought.get(line["sku_id"], 0), units.get(str(line["sku_id"]), 0))
                for line in lines
                if _whole(line.get("sku_id"))
            ),
        )
        use.voided = bool(bought) and all(units.get(str(sku), 0) >= qty for sku, qty in bought.items())
        use.save(update_fields=["refunded_units", "refunded_amount", "voided"])
        changed += 1
    return changed
