"""Placing an order: price through checkout's quote, reserve stock without overselling, snapshot the lines."""

import re
import time
from collections import OrderedDict
from dataclasses import asdict, is_dataclass
from datetime import timedelta

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from micromall.compiled import CompiledInsert, build
from micromall.db.prepared import Statement, execute
from micromall.errors import Conflict, Invalid
from tenant_apps.catalog.interface import (
    InsufficientStock,
    reserve_stock,
    skus_for_sale,
    stock_short,
    stock_taken,
    take_stock_in_statement,
)
from tenant_apps.checkout.interface import PlacedLine, PlacedOrder, extensions, quote

from ..deadlines import note_deadline
from ..models import Order, OrderLine, OrderStatus
from .lifecycle import order_settings

# SKUs this process saw sell out: {(schema, sku_id): when}. In a flash sale most buyers are refused; for a
# second after a sell-out they are refused before pricing. A restock elsewhere is believed within that second.
SOLD_OUT_MEMO_SECONDS = 1.0
REF_CODE = re.compile(r"[A-Za-z0-9]{1,32}")  # fullmatch: "$" would let a final newline through
_sold_out: dict[tuple[str, int], float] = {}


def _seen_sold_out(sku_id: int) -> bool:
    seen = _sold_out.get((connection.schema_name, sku_id))
    return seen is not None and time.monotonic() - seen < SOLD_OUT_MEMO_SECONDS


def _remember_sold_out(sku_id: int) -> None:
    _sold_out[(connection.schema_name, sku_id)] = time.monotonic()


def forget_sold_out(sku_ids) -> None:
    """Stock came back in this process (a cancelled order): stop refusing those SKUs at once."""
    for sku_id in sku_ids:
        _sold_out.pop((connection.schema_name, sku_id), None)


# The pay deadline this process last put in the due-shops index, per shop: {schema: (epoch seconds, when noted)}.
# Each new order's deadline is later than the last one's, so the index's ZADD LT would change nothing: for a
# second the Redis round trip is skipped. (Should the index lose that shop meanwhile, the next order after the
# second, or the daily sweep, puts it back.)
DEADLINE_MEMO_SECONDS = 1.0
_noted_deadlines: dict[str, tuple[float, float]] = {}


def _note_pay_deadline(when) -> None:
    schema, at, now = connection.schema_name, when.timestamp(), time.monotonic()
    noted = _noted_deadlines.get(schema)
    if noted is not None and noted[0] <= at and now - noted[1] < DEADLINE_MEMO_SECONDS:
        return
    note_deadline(when, schema)
    _noted_deadlines[schema] = (at, now)


# Order numbers: local date + a per-shop sequence, e.g. 20261202000123: readable, unique, and lock-free (a
# sequence). The INSERT takes the next value itself (no round trip of its own); the number is read back.
# The sequence part has at least 6 digits and is never cut (1234567 stays whole, as f"{n:06d}" would).
NUMBER_SQL = (
    "(SELECT %s || lpad(n::text, greatest(6, length(n::text)), '0')"
    " FROM (SELECT nextval('orders_order_number_seq') AS n) AS seq)"
)
_INSERT_ORDER = CompiledInsert(Order, expressions={"number": NUMBER_SQL}, returning=("number",))
_INSERT_LINES = CompiledInsert(OrderLine)


def _merge(items: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """The same SKU twice is one line with the quantities added."""
    merged: OrderedDict[int, int] = OrderedDict()
    for sku_id, quantity in items:
        merged[sku_id] = merged.get(sku_id, 0) + quantity
    return list(merged.items())


def _short(sku_id: int, title: str, available: int | None) -> Conflict:
    left = max(available or 0, 0)
    return Conflict(_("Not enough stock for %(title)s: %(left)s left.") % {"title": title, "left": left}, sku_id=sku_id)


def place_order(
    *,
    member,
    items: list[tuple[int, int]],
    address_id: int,
    note: str = "",
    coupon_code: str | None = None,
    points: int | None = None,
    activity=None,
    ref: str = "",
) -> Order:
    """Create a pending_payment order for `member` from `items` [(sku_id, quantity)] shipped to `address_id`.

    Prices, SKU snapshots and the address come from checkout's quote (which also answers a visibly short stock
    at once, without a lock). An order of one SKU with no gift and no extension taking its part is then written in
    one statement (stock, order, line, ledger: _write_in_one_statement). Otherwise, in a transaction, stock is
    taken with a guarded UPDATE per SKU in id order (two orders never deadlock), as the last writes before commit
    so the hot rows stay locked as briefly as possible.
    `ref` is the share-link code the shopper arrived with: stored as given (letters and digits, at most 32) and
    carried by the order events; orders never interpret it (distribution binds the buyer when order.paid arrives).
    Coupons, points and activities are checkout extensions (tenant_apps/checkout/extensions.py): they price the
    quote and, through `on_place`, take their own limits inside this transaction.
    Raises Invalid (bad input, unknown SKU or address), Conflict with sku_id (stock short).
    """
    if ref and not REF_CODE.fullmatch(ref):
        raise Invalid(errors={"ref": [_("A share code has only letters and digits (at most 32).")]})
    items = _merge(items)
    for sku_id, _quantity in items:
        if isinstance(sku_id, int) and _seen_sold_out(sku_id):
            raise Conflict(_("Sold out."), sku_id=sku_id, available=0)
    try:
        priced = quote(
            items=items,
            member=member,
            address=address_id,
            coupon_code=coupon_code,
            points=points,
            activity=activity,
            placing=True,
        )
    except Conflict as short:
        if short.extra.get("available") == 0 and "sku_id" in short.extra:
            _remember_sold_out(short.extra["sku_id"])
        raise
    address = priced.address
    if address is None:
        raise Invalid(errors={"address_id": [_("No such address in your address book.")]})
    gift_skus = skus_for_sale(gift.sku_id for gift in priced.gifts) if priced.gifts else {}
    now = timezone.now()
    contributions = priced.contributions
    pay_minutes = min(
        [order_settings().auto_cancel_minutes]
        + [c.pay_within_minutes for c in contributions.values() if c.pay_within_minutes]
    )
    request = priced.request
    order = build(
        Order,
        number=f"{timezone.localdate():%Y%m%d}",  # the date part; the INSERT appends the sequence
        member=member,
        status=OrderStatus.PENDING_PAYMENT,
        currency=priced.currency,
        subtotal_amount=priced.subtotal_amount,
        discount_amount=priced.discount_amount,
        shipping_amount=priced.shipping_amount,
        total_amount=priced.total_amount,
        applied=_jsonable(priced.applied),
        note=note,
        ref_code=ref,
        address_id=address.pk,
        pay_deadline=now + timedelta(minutes=pay_minutes),
        activity_type=request.activity.type if request.activity else "",
        activity_id=request.activity.id if request.activity else None,
        group_id=request.activity.group_id if request.activity else None,
        coupon_code=request.coupon_code or "",
        points_used=priced.points_used,
        ship_hold=any(c.hold_shipping for c in contributions.values()),
        ship_name=address.name,
        ship_phone=address.phone,
        ship_province=address.province,
        ship_city=address.city,
        ship_district=address.district,
        ship_line1=address.line1,
        ship_postal_code=address.postal_code or "",
    )
    reservations = _reservations(items, priced.gifts)
    if len(reservations) == 1 and not priced.gifts and not priced.contributions:
        lines = [_order_line(order, priced, priced.lines[0])]
        _write_in_one_statement(order, lines[0], *reservations[0], title=priced.skus[reservations[0][0]].title)
    else:
        with transaction.atomic():
            _INSERT_ORDER.insert([order])
            lines = _INSERT_LINES.insert(
                [_order_line(order, priced, line) for line in priced.lines]
                + [_gift_line(order, gift, gift_skus) for gift in priced.gifts]
            )
            for sku_id, quantity in reservations:
                try:
                    reserve_stock(sku_id=sku_id, quantity=quantity, note=order.number)
                except InsufficientStock as short:
                    if not short.available:
                        _remember_sold_out(sku_id)
                    title = priced.skus[sku_id].title if sku_id in priced.skus else gift_skus[sku_id].title
                    raise _short(sku_id, title, short.available) from None
            run_place_hooks(order, lines, priced)
    transaction.on_commit(lambda: _note_pay_deadline(order.pay_deadline))
    # Returned with its lines (and no shipments) loaded: the caller answers without reading it back.
    order._prefetched_objects_cache = {"lines": lines, "shipments": []}
    return order


def _reservations(items, gifts) -> list[tuple[int, int]]:
    """Every SKU to take stock of, gifts included, in id order (so two orders never deadlock)."""
    wanted: dict[int, int] = dict(items)
    for gift in gifts:
        wanted[gift.sku_id] = wanted.get(gift.sku_id, 0) + gift.quantity
    return sorted(wanted.items())


def _order_line(order: Order, priced, line) -> OrderLine:
    return _line(
        order, priced.skus[line.sku_id], sku_id=line.sku_id, product_id=line.product_id, quantity=line.quantity,
        unit_price_amount=line.unit_price_amount, subtotal_amount=line.subtotal_amount,
        discount_amount=line.discount_amount, total_amount=line.total_amount, allocations=_jsonable(line.allocations),
    )  # fmt: skip


def _gift_line(order: Order, gift, gift_skus) -> OrderLine:
    sku = gift_skus[gift.sku_id]
    return _line(order, sku, sku_id=sku.id, product_id=sku.product_id, quantity=gift.quantity, is_gift=True)


def _line(
    order: Order, sku, *, sku_id: int, product_id: int, quantity: int, unit_price_amount: int = 0,
    subtotal_amount: int = 0, discount_amount: int = 0, total_amount: int = 0, allocations=(), is_gift: bool = False,
) -> OrderLine:  # fmt: skip
    """An order line with the SKU's snapshot (title, specs, code, image); the amounts are 0 for a gift."""
    return build(
        OrderLine, order=order, sku_id=sku_id, product_id=product_id, title=sku.title, specs=sku.specs,
        sku_code=getattr(sku, "code", ""), image=sku.image, quantity=quantity, unit_price_amount=unit_price_amount,
        subtotal_amount=subtotal_amount, discount_amount=discount_amount, total_amount=total_amount,
        allocations=list(allocations), is_gift=is_gift,
    )  # fmt: skip


# The order, its line, the stock and its ledger row in one statement: the stock's guarded UPDATE first, and the
# rest selected from its row, so nothing is written when the stock is short. Outside a transaction it is one
# round trip instead of five (BEGIN, order, lines, stock, COMMIT), and the hot SKU row is locked only while the
# statement runs. For the common order of one SKU with no gift and no checkout extension taking its part.
_ONE_STATEMENT: dict[str, Statement] = {}


def _write_in_one_statement(order: Order, line: OrderLine, sku_id: int, quantity: int, *, title: str) -> None:
    take = take_stock_in_statement(sku_id=sku_id, quantity=quantity, note_sql="(SELECT number FROM placed)")
    statement = _ONE_STATEMENT.get(connection.alias)
    if statement is None:
        statement = _ONE_STATEMENT[connection.alias] = Statement(
            f"WITH {take.take}, placed AS ({_INSERT_ORDER.insert_select('taken', {}, connection)}), "
            f"placed_line AS ({_INSERT_LINES.insert_select('placed', {'order': 'placed.id'}, connection)}), "
            f"{take.entry} SELECT placed.id, placed.number, placed_line.id, taken.stock, taken.low_stock_threshold, "
            "taken.product_id FROM taken, placed, placed_line"
        )
    params = [
        *take.take_params,
        *_INSERT_ORDER.params(order, connection),
        *_INSERT_LINES.params(line, connection, skip=_FROM_PLACED),
        *take.entry_params,
    ]
    with connection.cursor() as cursor:
        execute(cursor, statement, params)
        row = cursor.fetchone()
    if row is None:
        short = stock_short(sku_id=sku_id, quantity=quantity)
        if not short.available:
            _remember_sold_out(sku_id)
        raise _short(sku_id, title, short.available)
    order_id, number, line_id, stock_after, threshold, product_id = row
    _INSERT_ORDER.returned(order, (order_id, number), connection.alias)
    _INSERT_LINES.returned(line, (line_id,), connection.alias)
    line.order = order
    stock_taken(sku_id=sku_id, quantity=quantity, stock_after=stock_after, threshold=threshold, product_id=product_id)


_FROM_PLACED = frozenset({"order"})


def run_place_hooks(order: Order, lines: list[OrderLine], priced) -> None:
    """Each contributing checkout extension takes its part (coupon, points, activity stock) in this transaction."""
    if not priced.contributions:
        return
    placed = PlacedOrder(
        order_id=order.pk,
        number=order.number,
        member_id=order.member_id,
        total_amount=order.total_amount,
        pay_deadline=order.pay_deadline,
        lines=tuple(
            PlacedLine(
                order_line_id=line.pk,
                sku_id=line.sku_id,
                product_id=line.product_id,
                quantity=line.quantity,
                unit_price_amount=line.unit_price_amount,
                total_amount=line.total_amount,
                is_gift=line.is_gift,
            )
            for line in lines
        ),
    )
    by_name = {extension.name: extension for extension in extensions()}
    for name, contribution in priced.contributions.items():
        by_name[name].on_place(order=placed, quote=priced, request=priced.request, contribution=contribution)


def _jsonable(value):
    """Engine results are (nested) dataclasses and tuples; store them as plain JSON."""
    if is_dataclass(value) and not isinstance(value, type):
        return _jsonable(asdict(value))
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    return value
