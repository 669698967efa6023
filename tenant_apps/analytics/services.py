"""Writers of the data centre: the buffer flush, order facts (from the order events), daily rollups, pruning."""

import logging
from collections.abc import Iterable
from datetime import UTC, date, datetime, timedelta

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from micromall.errors import Conflict, Invalid, NotFound
from tenant_apps.coupons import interface as coupons
from tenant_apps.distribution import interface as distribution
from tenant_apps.events.interface import publish
from tenant_apps.group_buys import interface as group_buys
from tenant_apps.members.interface import Member
from tenant_apps.orders import interface as orders

from . import collect, crm, sql
from .models import (
    MAX_RETENTION_DAYS,
    AnalyticsSettings,
    Event,
    EventKind,
    MemberTag,
    MemberTagging,
    OrderFact,
    ProductDay,
    Recommendation,
    RolledDay,
    Segment,
    TagKind,
    VisitorDay,
)
from .selectors import analytics_settings, cache_recommendations, summary

logger = logging.getLogger(__name__)

FLUSH_BATCH = 1000
PRUNE_BATCH = 5000
REROLL_DAYS = 2  # the last days before today are rolled up again: late flushes land in them
DAY_FIGURES = ("visitors", "pv", "orders", "paid_orders", "gmv_amount", "paying_members")


# --- settings ------------------------------------------------------------------------------------------------


def update_settings(*, retention_days: int) -> AnalyticsSettings:
    if not isinstance(retention_days, int) or not 1 <= retention_days <= MAX_RETENTION_DAYS:
        raise Invalid(
            errors={"retention_days": [_("Enter a number of days from 1 to %(max)d.") % {"max": MAX_RETENTION_DAYS}]}
        )
    with transaction.atomic():
        row, _created = AnalyticsSettings.objects.update_or_create(pk=1, defaults={"retention_days": retention_days})
    return row


# --- buffer -> Event rows ------------------------------------------------------------------------------------

KINDS = set(EventKind.values)


def _event(row: list) -> Event | None:
    try:
        uid, kind, ts, visitor, member_id, product_id, share_code, source, ref = row
        at = datetime.fromtimestamp(float(ts), tz=UTC)
    except (TypeError, ValueError):
        return None
    if kind not in KINDS or not isinstance(visitor, str) or not visitor:
        return None
    return Event(
        uid=uid,
        kind=kind,
        at=at,
        day=timezone.localdate(at),
        visitor=visitor[:40],
        member_id=member_id if isinstance(member_id, int) else None,
        product_id=product_id if isinstance(product_id, int) else None,
        share_code=(share_code or "")[:16],
        source=(source or "")[:16],
        ref=(ref or "")[:32],
    )


def flush_events(*, batch: int = FLUSH_BATCH) -> int:
    """Move the current shop's buffered events into `Event` rows, about `batch` at a time; returns how many.

    A buffer entry is one pushed batch of events (up to ANALYTICS_LOCAL_BUFFER) or, from before batch entries,
    one event: each transaction takes whole entries, at least `batch` events' worth (or the rest). LRANGE, insert
    (ignoring uids already stored), then LTRIM of exactly the entries read: a crash between insert and trim
    stores nothing twice on the next flush. A malformed entry is trimmed with the rest (collect.read logs it).
    One flusher per shop at a time (a Redis lock).
    """
    schema = connection.schema_name
    if not collect.acquire_flush_lock(schema):
        return 0
    stored = 0
    try:
        while True:
            entries, rows = collect.read(schema, batch)
            if not entries:
                break
            events = [event for event in map(_event, rows) if event is not None]
            with transaction.atomic():
                Event.objects.bulk_create(events, ignore_conflicts=True)
                _upsert_visitors(events)
            collect.trim(schema, entries)
            stored += len(events)
        collect.forget_shop_if_empty(schema)
    finally:
        collect.release_flush_lock(schema)
    return stored


UPSERT_VISITORS = """
INSERT INTO analytics_visitor
    (visitor, member_id, first_at, first_day, first_source, first_share_code, first_ref, last_at, share_code)
VALUES {values}
ON CONFLICT (visitor) DO UPDATE SET
    member_id = COALESCE(EXCLUDED.member_id, analytics_visitor.member_id),
    last_at = GREATEST(analytics_visitor.last_at, EXCLUDED.last_at),
    share_code = CASE WHEN EXCLUDED.share_code <> '' THEN EXCLUDED.share_code ELSE analytics_visitor.share_code END,
    first_day = CASE WHEN EXCLUDED.first_at < analytics_visitor.first_at
        THEN EXCLUDED.first_day ELSE analytics_visitor.first_day END,
    first_source = CASE WHEN EXCLUDED.first_at < analytics_visitor.first_at
        THEN EXCLUDED.first_source ELSE analytics_visitor.first_source END,
    first_share_code = CASE WHEN EXCLUDED.first_at < analytics_visitor.first_at
        THEN EXCLUDED.first_share_code ELSE analytics_visitor.first_share_code END,
    first_ref = CASE WHEN EXCLUDED.first_at < analytics_visitor.first_at
        THEN EXCLUDED.first_ref ELSE analytics_visitor.first_ref END,
    first_at = LEAST(analytics_visitor.first_at, EXCLUDED.first_at)
"""


def _upsert_visitors(events: Iterable[Event]) -> None:
    """First visit (and how they came), last visit, the member behind the cookie, their share code."""
    people: dict[str, dict] = {}
    for event in sorted(events, key=lambda e: e.at):
        person = people.get(event.visitor)
        if person is None:
            person = people[event.visitor] = {
                "member_id": None,
                "first_at": event.at,
                "first_day": event.day,
                "first_source": event.source,
                "first_share_code": event.share_code if event.kind != EventKind.SHARE else "",
                "first_ref": event.ref,
                "last_at": event.at,
                "share_code": "",
            }
        person["last_at"] = event.at
        if event.member_id:
            person["member_id"] = event.member_id
        if event.kind == EventKind.SHARE:
            person["share_code"] = event.share_code
    if not people:
        return
    columns = ["member_id", "first_at", "first_day", "first_source", "first_share_code", "first_ref", "last_at",
               "share_code"]  # fmt: skip
    params: list = []
    for visitor, person in people.items():
        params += [visitor, *(person[column] for column in columns)]
    values = ", ".join(["(%s, %s, %s, %s, %s, %s, %s, %s, %s)"] * len(people))
    with connection.cursor() as cursor:
        cursor.execute(UPSERT_VISITORS.format(values=values), params)


# --- order facts (the order events' subscribers call these) -----------------------------------------------------


def _lines(payload: dict) -> list[dict]:
    return [
        {"product_id": line["product_id"], "quantity": line["quantity"], "total_amount": line.get("total_amount", 0)}
        for line in payload.get("lines", [])
    ]


def _paid_at(payload: dict, at: datetime) -> datetime | None:
    """When the order counts as paid (PROMOTIONS.md): cash on delivery at shipment (None here); a group-buy order
    when its group forms (None while it has not, and for ever if it fails); any other order at payment (`at`)."""
    if payload.get("payment_status") == "due_on_delivery":
        return None
    if payload.get("group_status") not in (None, "", "formed"):
        return None
    formation = group_buys.group_formation([payload["order_id"]])
    if payload["order_id"] in formation:
        return formation[payload["order_id"]]
    return at


def record_paid(*, payload: dict, at: datetime) -> OrderFact:
    with transaction.atomic():
        fact = _fact_for_update(payload)
        paid_at = _paid_at(payload, at)
        if paid_at is not None and fact.paid_at is None:
            _mark_paid(fact, paid_at)
        fact.save()
    return fact


def record_shipped(*, payload: dict, at: datetime) -> OrderFact | None:
    """Cash on delivery: the first parcel is the payment."""
    if payload.get("payment_method") != "cod":
        return None
    with transaction.atomic():
        fact = _fact_for_update(payload)
        if fact.paid_at is None:
            _mark_paid(fact, at)
        fact.save()
    return fact


def record_group_formed(*, order_ids: list[int], at: datetime) -> int:
    """Event `group.formed` (group buys): its orders count as paid at the group's formation. An order whose
    `order.paid` has not been recorded yet gets its time from group_buys.interface.group_formation then."""
    with transaction.atomic():
        facts = list(OrderFact.objects.select_for_update().filter(order_id__in=order_ids, paid_at__isnull=True))
        for fact in facts:
            _mark_paid(fact, at)
            fact.save(update_fields=["paid_at", "paid_day"])
    return len(facts)


def record_refunded(*, payload: dict) -> None:
    with transaction.atomic():
        fact = _fact_for_update(payload)
        fact.refunded_amount = max(fact.refunded_amount, int(payload.get("refunded_amount") or 0))
        fact.save()


def _fact_for_update(payload: dict) -> OrderFact:
    fact = OrderFact.objects.select_for_update().filter(order_id=payload["order_id"]).first()
    if fact is None:
        upline = distribution.upline_of(member_id=payload["member_id"])
        fact = OrderFact(
            order_id=payload["order_id"],
            member_id=payload["member_id"],
            distributor_id=upline.pk if upline else None,
            distributor_code=upline.code if upline else "",
        )
    fact.total_amount = payload.get("total_amount", fact.total_amount)
    fact.payment_method = payload.get("payment_method") or fact.payment_method
    fact.lines = _lines(payload) or fact.lines
    return fact


def _mark_paid(fact: OrderFact, at: datetime) -> None:
    fact.paid_at = at
    fact.paid_day = timezone.localdate(at)


# --- rollups and retention --------------------------------------------------------------------------------------


def rollup_day(*, day: date) -> None:
    """(Re)build the day's VisitorDay and ProductDay rows from its raw events, in one transaction."""
    params = {"start": day, "end": day}
    placed = orders.orders_placed_per_day(start=day, end=day).get(day, 0)
    with transaction.atomic(), connection.cursor() as cursor:
        VisitorDay.objects.filter(day=day).delete()
        ProductDay.objects.filter(day=day).delete()
        cursor.execute(
            f"INSERT INTO analytics_visitorday ({sql.VISITOR_COLUMNS}) {sql.RAW_VISITOR_DAYS.format(only='')}", params
        )
        cursor.execute(
            "INSERT INTO analytics_productday (day, product_id, views, visitors, carts) "
            + sql.RAW_PRODUCT_DAYS.format(only=""),
            params,
        )
        rolled_at = timezone.now()
        RolledDay.objects.update_or_create(day=day, defaults={"orders": placed, "rolled_at": rolled_at})
        figures = summary(day, day)
        # The platform's dashboards (operator, agencies) get the day through the events door (shared_apps.insights).
        publish(
            "analytics.day_rolled",
            {"day": day.isoformat(), "rolled_at": rolled_at.isoformat(),
             **{name: figures[name] for name in DAY_FIGURES}},
        )  # fmt: skip


def rollup(*, today: date | None = None) -> list[date]:
    """Roll up every day before today that has raw events and no rollup, and again the last REROLL_DAYS days;
    then drop raw events past the shop's retention (their days are rolled up by then)."""
    today = today or timezone.localdate()
    rolled = set(RolledDay.objects.values_list("day", flat=True))
    with_events = set(Event.objects.filter(day__lt=today).values_list("day", flat=True).distinct())
    recent = {today - timedelta(days=n) for n in range(1, REROLL_DAYS + 1)}
    days = sorted((with_events - rolled) | recent)
    for day in days:
        rollup_day(day=day)
    prune(today=today)
    return days


def prune(*, today: date | None = None) -> int:
    today = today or timezone.localdate()
    cutoff = today - timedelta(days=analytics_settings().retention_days)
    removed = 0
    while True:
        ids = list(Event.objects.filter(day__lt=cutoff).values_list("pk", flat=True)[:PRUNE_BATCH])
        if not ids:
            return removed
        with transaction.atomic():
            removed += Event.objects.filter(pk__in=ids).delete()[0]


# --- recommendations (SQL co-occurrence) ------------------------------------------------------------------------

RECOMMENDATIONS_PER_PRODUCT = 10
BOUGHT_WINDOW_DAYS = 180
VIEWED_WINDOW_DAYS = 30

CO_OCCURRENCE = """
INSERT INTO analytics_recommendation (kind, product_id, other_id, score, rank)
SELECT %(kind)s, product_id, other_id, score, rank FROM (
    SELECT a.product_id, b.product_id AS other_id, COUNT(*) AS score,
        ROW_NUMBER() OVER (PARTITION BY a.product_id ORDER BY COUNT(*) DESC, b.product_id) AS rank
    FROM items a JOIN items b ON a.basket = b.basket AND a.product_id <> b.product_id
    GROUP BY a.product_id, b.product_id
) AS ranked
WHERE rank <= %(top)s
"""
BOUGHT_ITEMS = """
WITH items AS (
    SELECT DISTINCT f.order_id::text AS basket, (line ->> 'product_id')::bigint AS product_id
    FROM analytics_orderfact f, jsonb_array_elements(f.lines) AS line
    WHERE f.paid_day >= %(since)s
)
"""
VIEWED_ITEMS = """
WITH items AS (
    SELECT DISTINCT visitor AS basket, product_id FROM analytics_event
    WHERE kind = 'view_product' AND product_id IS NOT NULL AND day >= %(since)s
)
"""


def compute_recommendations(*, today: date | None = None) -> dict[str, int]:
    """Rebuild both lists: products paid in the same orders (180 days), products viewed by the same visitors
    (30 days); the top 10 of each product by how many orders/visitors share them. Then refill the cache."""
    today = today or timezone.localdate()
    counts = {}
    with transaction.atomic(), connection.cursor() as cursor:
        Recommendation.objects.all().delete()
        for kind, items, window in (
            ("bought_together", BOUGHT_ITEMS, BOUGHT_WINDOW_DAYS),
            ("also_viewed", VIEWED_ITEMS, VIEWED_WINDOW_DAYS),
        ):
            params = {"kind": kind, "top": RECOMMENDATIONS_PER_PRODUCT, "since": today - timedelta(days=window)}
            cursor.execute(items + CO_OCCURRENCE, params)
            counts[kind] = cursor.rowcount
    transaction.on_commit(cache_recommendations)
    return counts


# --- member CRM -------------------------------------------------------------------------------------------------


def clean_rule(rule) -> dict:
    """A rule as stored: known keys only, non-negative whole numbers, existing tags. Invalid -> field errors."""
    if not isinstance(rule, dict) or not rule:
        raise Invalid(errors={"rule": [_("Give at least one condition.")]})
    unknown = sorted(set(rule) - set(crm.RULE_KEYS))
    if unknown:
        raise Invalid(errors={"rule": [_("Unknown condition: %(names)s.") % {"names": ", ".join(unknown)}]})
    cleaned: dict = {}
    for key in ("min_spent_amount", "inactive_days", "bought_category_id"):
        if key in rule:
            value = rule[key]
            if isinstance(value, bool) or not isinstance(value, int) or value < (1 if key != "min_spent_amount" else 0):
                raise Invalid(errors={key: [_("Enter a whole number of at least 1.")]})
            cleaned[key] = value
    if "tag_ids" in rule:
        ids = rule["tag_ids"]
        if not isinstance(ids, list) or not all(isinstance(i, int) and not isinstance(i, bool) for i in ids):
            raise Invalid(errors={"tag_ids": [_("Give a list of tag ids.")]})
        known = set(MemberTag.objects.filter(pk__in=ids).values_list("pk", flat=True))
        if set(ids) - known:
            raise Invalid(errors={"tag_ids": [_("No such tag in this shop.")]})
        cleaned["tag_ids"] = sorted(set(ids))
    return cleaned


def _check_name(name: str, model, exclude_pk=None) -> str:
    name = (name or "").strip()
    if not name:
        raise Invalid(errors={"name": [_("Enter a name.")]})
    if model.objects.filter(name=name).exclude(pk=exclude_pk).exists():
        raise Invalid(errors={"name": [_("This name is taken.")]})
    return name


def create_tag(*, name: str, kind: str = TagKind.MANUAL, rule: dict | None = None) -> MemberTag:
    if kind not in TagKind.values:
        raise Invalid(errors={"kind": [_("Choose manual or rule-based.")]})
    with transaction.atomic():
        name = _check_name(name, MemberTag)
        rule = clean_rule(rule) if kind == TagKind.RULE else {}
        tag = MemberTag.objects.create(name=name, kind=kind, rule=rule)
        if kind == TagKind.RULE:
            _apply_rule_tag(tag)
    return tag


def update_tag(*, tag_id: int, name: str, rule: dict | None = None) -> MemberTag:
    with transaction.atomic():
        tag = MemberTag.objects.select_for_update().filter(pk=tag_id).first()
        if tag is None:
            raise NotFound(_("No such tag in this shop."))
        tag.name = _check_name(name, MemberTag, exclude_pk=tag.pk)
        if tag.kind == TagKind.RULE:
            tag.rule = clean_rule(rule)
        tag.save()
        if tag.kind == TagKind.RULE:
            _apply_rule_tag(tag)
    return tag


def delete_tags(*, tag_ids: list[int]) -> int:
    with transaction.atomic():
        return MemberTag.objects.filter(pk__in=tag_ids).delete()[0]


def tag_members(*, tag_id: int, member_ids: list[int], add: bool = True) -> int:
    """Manual tags only (rule-based ones follow their rule); unknown members of this shop are refused."""
    with transaction.atomic():
        tag = MemberTag.objects.filter(pk=tag_id).first()
        if tag is None:
            raise NotFound(_("No such tag in this shop."))
        if tag.kind != TagKind.MANUAL:
            raise Conflict(_("A rule-based tag follows its rule; it cannot be given by hand."))
        ids = set(member_ids)
        known = set(Member.objects.filter(pk__in=ids).values_list("pk", flat=True))
        if ids - known:
            raise Invalid(errors={"member_ids": [_("No such member in this shop.")]})
        if add:
            created = MemberTagging.objects.bulk_create(
                [MemberTagging(tag=tag, member_id=pk) for pk in sorted(ids)], ignore_conflicts=True
            )
            return len(created)
        return MemberTagging.objects.filter(tag=tag, member_id__in=ids).delete()[0]


def _apply_rule_tag(tag: MemberTag) -> int:
    members = crm.members_matching(tag.rule)
    MemberTagging.objects.filter(tag=tag).exclude(member_id__in=members).delete()
    MemberTagging.objects.bulk_create(
        [MemberTagging(tag=tag, member_id=pk) for pk in sorted(members)], ignore_conflicts=True
    )
    return len(members)


def refresh_rule_tags() -> dict[str, int]:
    """Daily (with the rollup): every rule-based tag recomputed."""
    counts = {}
    for tag in MemberTag.objects.filter(kind=TagKind.RULE):
        with transaction.atomic():
            counts[tag.name] = _apply_rule_tag(tag)
    return counts


def save_segment(*, name: str, rule: dict, segment_id: int | None = None) -> Segment:
    with transaction.atomic():
        segment = Segment(name="", rule={}) if segment_id is None else Segment.objects.filter(pk=segment_id).first()
        if segment is None:
            raise NotFound(_("No such segment in this shop."))
        segment.name = _check_name(name, Segment, exclude_pk=segment.pk)
        segment.rule = clean_rule(rule)
        segment.save()
    return segment


def delete_segments(*, segment_ids: list[int]) -> int:
    with transaction.atomic():
        return Segment.objects.filter(pk__in=segment_ids).delete()[0]


def issue_coupon_to_segment(*, segment_id: int, coupon_id: int) -> int:
    """Give one coupon of template `coupon_id` to every member of the segment (all or nothing, through the coupons
    app: its stock covers them all or nobody gets one). Returns how many were issued."""
    segment = Segment.objects.filter(pk=segment_id).first()
    if segment is None:
        raise NotFound(_("No such segment in this shop."))
    member_ids = sorted(crm.segment_members(segment))
    if not member_ids:
        raise Conflict(_("This segment has no members to give a coupon to."))
    return coupons.issue_to_members(coupon_id, member_ids, reason=f"segment:{segment.pk}")
