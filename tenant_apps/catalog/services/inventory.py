"""Stock: every change goes through `adjust_stock`, which writes the ledger and can never oversell."""

import functools
import logging
from dataclasses import dataclass

from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from micromall.errors import Conflict, Invalid

from ..models import CatalogSettings, LowStockNotice, Product, ProductStatus, Sku, StockAdjustment, StockReason

log = logging.getLogger(__name__)

# Highest stock a SKU may hold (the API's input bound too): far below the int column's 2**31 - 1, so
# additions are refused with a clear error before PostgreSQL would overflow.
MAX_STOCK = 10**9


class StockLimitExceeded(Conflict):
    def __init__(self, *, sku_id: int, requested: int, available: int):
        self.sku_id, self.requested, self.available = sku_id, requested, available
        message = _("Stock cannot exceed %(max)d: %(available)d now.") % {"max": MAX_STOCK, "available": available}
        super().__init__(message, sku_id=sku_id)


class InsufficientStock(Conflict):
    """409 with the SKU's id, as API.md promises for a short order (`{"detail", "sku_id"}`)."""

    def __init__(self, *, sku_id: int, requested: int, available: int | None):
        self.sku_id, self.requested, self.available = sku_id, requested, available
        super().__init__(_("Not enough stock: %(available)d left.") % {"available": available or 0}, sku_id=sku_id)


@dataclass(frozen=True)
class StockChange:
    sku_id: int
    stock_before: int
    stock_after: int
    adjustment: StockAdjustment


def _ledger_columns() -> str:
    names = ("sku", "delta", "reason", "note", "actor_user_id", "stock_after", "created")
    return ", ".join(StockAdjustment._meta.get_field(name).column for name in names)


# The guarded UPDATE and its ledger row in one statement (one round trip while the SKU row is locked): no row
# comes back when the guard refuses, and then nothing was written.
_GUARDED_UPDATE = f"""
    WITH changed AS (
        UPDATE {Sku._meta.db_table} SET stock = stock + %(delta)s
        WHERE id = %(sku)s AND stock + %(delta)s >= 0 AND (%(delta)s <= 0 OR stock + %(delta)s <= %(max)s)
        RETURNING stock, low_stock_threshold, product_id
    ), entry AS (
        INSERT INTO {StockAdjustment._meta.db_table} ({_ledger_columns()})
        SELECT %(sku)s, %(delta)s, %(reason)s, %(note)s, %(actor)s, stock, %(created)s FROM changed
        RETURNING id
    )
    SELECT changed.stock, changed.low_stock_threshold, changed.product_id, entry.id FROM changed, entry
"""  # table and column names from model meta; values are parameters


def catalog_settings() -> CatalogSettings:
    """The shop's settings; an unsaved row with the defaults until the merchant changes something."""
    return CatalogSettings.objects.filter(pk=1).first() or CatalogSettings(pk=1)


@transaction.atomic
def adjust_stock(
    *, sku_id: int, delta: int, reason: str, actor_user_id: int | None = None, note: str = ""
) -> StockChange:
    """Add `delta` (negative takes stock) to the SKU and record who and why.

    The guarded UPDATE makes PostgreSQL serialise concurrent writers on the row and re-check the guard,
    so parallel decrements never take the stock below zero. Raises InsufficientStock otherwise, and
    StockLimitExceeded when an addition would go above MAX_STOCK.
    """
    return _adjust_stock(sku_id=sku_id, delta=delta, reason=reason, actor_user_id=actor_user_id, note=note)


def _adjust_stock(*, sku_id: int, delta: int, reason: str, actor_user_id: int | None, note: str) -> StockChange:
    """adjust_stock's work, in the caller's transaction (adjust_stock adds the transaction or savepoint)."""
    if reason not in StockReason.values:
        raise Invalid(errors={"reason": [_("Unknown stock reason.")]})
    adjustment = StockAdjustment(
        sku_id=sku_id, delta=delta, reason=reason, note=note[:200], actor_user_id=actor_user_id,
        created=timezone.now(),
    )  # fmt: skip
    params = {
        "delta": delta, "sku": sku_id, "max": MAX_STOCK, "reason": reason, "note": adjustment.note,
        "actor": actor_user_id, "created": adjustment.created,
    }  # fmt: skip
    with connection.cursor() as cursor:
        cursor.execute(_GUARDED_UPDATE, params)
        row = cursor.fetchone()
    if row is None:
        available = Sku.objects.filter(pk=sku_id).values_list("stock", flat=True).first()
        if available is not None and delta > 0:
            raise StockLimitExceeded(sku_id=sku_id, requested=delta, available=available)
        raise InsufficientStock(sku_id=sku_id, requested=-delta, available=available)
    stock_after, threshold, product_id, adjustment.pk = row
    adjustment.stock_after = stock_after
    adjustment._state.adding, adjustment._state.db = False, connection.alias
    _after_change(sku_id=sku_id, delta=delta, stock_after=stock_after, threshold=threshold, product_id=product_id)
    return StockChange(sku_id=sku_id, stock_before=stock_after - delta, stock_after=stock_after, adjustment=adjustment)


def _after_change(*, sku_id: int, delta: int, stock_after: int, threshold: int, product_id: int) -> None:
    """What a stock change sets off: a low-stock notice when it crosses the threshold downwards (or the open
    notices resolved when it climbs back above), and the product taken off sale when its last unit went."""
    stock_before = stock_after - delta
    if threshold and stock_before > threshold >= stock_after:
        from ..tasks import notify_low_stock  # tasks import services: import here to avoid the cycle

        transaction.on_commit(lambda: notify_low_stock.delay(sku_id))
    elif stock_after > threshold >= stock_before:
        LowStockNotice.objects.filter(sku_id=sku_id, resolved=False).update(resolved=True)
    if stock_after == 0 and delta < 0:
        _unpublish_if_sold_out(product_id)


def _unpublish_if_sold_out(product_id: int) -> None:
    if not catalog_settings().auto_unpublish_sold_out:
        return
    if Sku.objects.filter(product_id=product_id, stock__gt=0).exists():
        return
    Product.objects.filter(pk=product_id, status=ProductStatus.ACTIVE).update(status=ProductStatus.INACTIVE)


@transaction.atomic
def record_low_stock(*, sku_id: int) -> LowStockNotice | None:
    """Open a notice for a SKU at or below its threshold; None when restocked meanwhile or already open."""
    sku = Sku.objects.filter(pk=sku_id).first()
    if sku is None or not sku.low_stock_threshold or sku.stock > sku.low_stock_threshold:
        return None
    try:
        with transaction.atomic():
            return LowStockNotice.objects.create(sku=sku, stock=sku.stock)
    except IntegrityError:  # an open notice already exists (uniq_open_low_stock_notice)
        return None


@transaction.atomic
def resolve_low_stock_notice(*, notice: LowStockNotice) -> None:
    LowStockNotice.objects.filter(pk=notice.pk).update(resolved=True)


@transaction.atomic
def update_catalog_settings(*, auto_unpublish_sold_out: bool | None = None, low_stock_email: bool | None = None):
    row = catalog_settings()
    if auto_unpublish_sold_out is not None:
        row.auto_unpublish_sold_out = auto_unpublish_sold_out
    if low_stock_email is not None:
        row.low_stock_email = low_stock_email
    row.save()
    return row


# --- Stock for orders (through catalog.interface) ---------------------------------------------------------------


def reserve_stock(*, sku_id: int, quantity: int, note: str = "") -> int:
    """Take `quantity` for an order (guarded UPDATE, ledger reason "order"); returns the stock left.

    Raises InsufficientStock (with .sku_id, .available) when short; call it in the order's transaction.
    No savepoint of its own: a shortage is never swallowed on the order path (the order's transaction rolls back
    with it), and the two round trips of SAVEPOINT/RELEASE per SKU are saved while the hot SKU row is locked.
    """
    with transaction.atomic(savepoint=False):
        return _adjust_stock(
            sku_id=sku_id, delta=-quantity, reason=StockReason.ORDER, actor_user_id=None, note=note
        ).stock_after


@dataclass(frozen=True)
class StockTake:
    """Taking an order's stock inside the caller's own statement, so that an order, its lines and its stock are
    written in one round trip and one implicit transaction (orders' single-SKU path).

    Two CTEs with positional parameters, in this order in the caller's WITH:
    `take` is named `taken`: the guarded UPDATE, one row (stock, low_stock_threshold, product_id) when the stock
    was there, none otherwise; the caller makes its own writes conditional on that row.
    `entry` is named `taken_entry`: the ledger row (reason "order"), noted with the caller's SQL expression
    (e.g. the order number from the caller's CTE, which must come before it).
    After the statement: `stock_taken()` with the `taken` row, or `stock_short()` when no row came back.
    """

    take: str
    take_params: tuple
    entry: str
    entry_params: tuple


def take_stock_in_statement(*, sku_id: int, quantity: int, note_sql: str) -> StockTake:
    take, entry = _take_sql(note_sql)
    return StockTake(
        take=take,
        take_params=(quantity, sku_id, quantity),
        entry=entry,
        entry_params=(sku_id, -quantity, StockReason.ORDER, timezone.now()),
    )


@functools.cache
def _take_sql(note_sql: str) -> tuple[str, str]:
    """The two CTEs' text, built once per note expression (table and column names from model meta; values are
    parameters)."""
    sku_table, ledger = Sku._meta.db_table, StockAdjustment._meta.db_table
    return (
        f"""taken AS (
            UPDATE {sku_table} SET stock = stock - %s WHERE id = %s AND stock >= %s
            RETURNING stock, low_stock_threshold, product_id
        )""",
        f"""taken_entry AS (
            INSERT INTO {ledger} ({_ledger_columns()})
            SELECT %s, %s, %s, {note_sql}, NULL, stock, %s FROM taken
            RETURNING id
        )""",
    )


def stock_taken(*, sku_id: int, quantity: int, stock_after: int, threshold: int, product_id: int) -> None:
    """What taking the stock sets off (low-stock notice, off sale at zero), as reserve_stock does it."""
    _after_change(sku_id=sku_id, delta=-quantity, stock_after=stock_after, threshold=threshold, product_id=product_id)


def stock_short(*, sku_id: int, quantity: int) -> InsufficientStock:
    """The error for a take that found too little stock, with what is left now."""
    available = Sku.objects.filter(pk=sku_id).values_list("stock", flat=True).first()
    return InsufficientStock(sku_id=sku_id, requested=quantity, available=available)


def release_stock(*, sku_id: int, quantity: int, note: str = "") -> int:
    """Give back `quantity` of a cancelled order (ledger reason "cancel"); returns the stock after (0 when the SKU
    was deleted since the order: nothing to give back to, and the cancellation goes on)."""
    return _give_back(sku_id=sku_id, delta=quantity, reason=StockReason.CANCEL, note=note)


def return_stock(*, sku_id: int, quantity: int, actor_user_id: int | None = None, note: str = "") -> int:
    """Put returned goods back on sale (after-sales receipt; ledger reason "return" with who received them); 0 when
    the SKU was deleted since the order."""
    return _give_back(sku_id=sku_id, delta=quantity, reason=StockReason.RETURN, actor_user_id=actor_user_id, note=note)


def _give_back(*, sku_id: int, **change) -> int:
    try:
        return adjust_stock(sku_id=sku_id, **change).stock_after
    except InsufficientStock as missing:
        if missing.available is None:  # no such SKU any more (its product or spec value was deleted)
            log.info("catalog: stock given back to deleted SKU %s ignored", sku_id)
            return 0
        raise
