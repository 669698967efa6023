"""Member CRM reads: who matches a rule, and the member list with spend, orders, last visit, source, distributor
and tags. Spend and orders are paid orders (order facts from the order events), net of refunds."""

from datetime import timedelta

from django.db.models import Count, F, Max, Sum
from django.utils import timezone

from tenant_apps.catalog.interface import ProductFilter, category_ids_for, search_products
from tenant_apps.distribution import interface as distribution
from tenant_apps.members.interface import Member

from .models import MemberTag, MemberTagging, OrderFact, Segment, Visitor

RULE_KEYS = ("min_spent_amount", "inactive_days", "bought_category_id", "tag_ids")


def spend_by_member(member_ids=None) -> dict[int, dict]:
    facts = OrderFact.objects.filter(paid_at__isnull=False)
    if member_ids is not None:
        facts = facts.filter(member_id__in=list(member_ids))
    rows = facts.values("member_id").annotate(
        spent=Sum(F("total_amount") - F("refunded_amount")), orders=Count("order_id"), last_paid=Max("paid_at")
    )
    return {row["member_id"]: row for row in rows.order_by()}


def members_matching(rule: dict) -> set[int]:
    """Active members for whom every condition of `rule` holds (an empty rule: every active member)."""
    ids = set(Member.objects.filter(is_active=True).values_list("pk", flat=True))
    if "min_spent_amount" in rule:
        spend = spend_by_member()
        ids &= {pk for pk, row in spend.items() if (row["spent"] or 0) >= rule["min_spent_amount"]}
    if "inactive_days" in rule:
        since = timezone.now() - timedelta(days=rule["inactive_days"])
        recent = Visitor.objects.filter(member_id__isnull=False, last_at__gte=since)
        seen = set(recent.values_list("member_id", flat=True))
        paid = set(OrderFact.objects.filter(paid_at__gte=since).values_list("member_id", flat=True))
        ids -= seen | paid
    if "bought_category_id" in rule:
        products = set(_products_in_category(rule["bought_category_id"]))
        buyers = {
            member_id
            for member_id, lines in OrderFact.objects.filter(paid_at__isnull=False).values_list("member_id", "lines")
            if any(line["product_id"] in products for line in lines)
        }
        ids &= buyers
    for tag_id in rule.get("tag_ids", []):
        ids &= set(MemberTagging.objects.filter(tag_id=tag_id).values_list("member_id", flat=True))
    return ids


def _products_in_category(category_id: int) -> list[int]:
    """The category's products and its subcategories' (products on sale: the catalog's storefront read)."""
    categories = category_ids_for(category_id)
    if not categories:
        return []
    return list(search_products(ProductFilter(category_ids=categories)).values_list("pk", flat=True))


def segment_members(segment: Segment) -> set[int]:
    return members_matching(segment.rule)


def member_rows(member_ids) -> list[dict]:
    """One row per member (in id order): spend, paid orders, last visit, source, distributor, tags."""
    ids = sorted(member_ids)
    members = {m.pk: m for m in Member.objects.filter(pk__in=ids)}
    spend = spend_by_member(ids)
    visits = {}
    for row in (
        Visitor.objects.filter(member_id__in=ids).order_by("first_at").values("member_id", "first_source", "last_at")
    ):
        seen = visits.setdefault(row["member_id"], {"source": row["first_source"], "last_at": row["last_at"]})
        seen["last_at"] = max(seen["last_at"], row["last_at"])
    codes = distribution.bound_distributor_codes(member_ids=ids)
    tags: dict[int, list[str]] = {}
    for member_id, name in MemberTagging.objects.filter(member_id__in=ids).values_list("member_id", "tag__name"):
        tags.setdefault(member_id, []).append(name)
    rows = []
    for pk in ids:
        member = members.get(pk)
        if member is None:
            continue
        money = spend.get(pk, {})
        seen = visits.get(pk, {})
        rows.append(
            {
                "id": pk,
                "name": member.nickname or str(member),
                "registered": member.created,
                "spent_amount": money.get("spent") or 0,
                "paid_orders": money.get("orders", 0),
                "last_visit": seen.get("last_at"),
                "source": seen.get("source", ""),
                "distributor": codes.get(pk, ""),
                "tags": sorted(tags.get(pk, [])),
            }
        )
    return rows


def tags():
    return MemberTag.objects.annotate(members=Count("taggings"))


def segments():
    return Segment.objects.all()
