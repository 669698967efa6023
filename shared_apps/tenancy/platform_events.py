"""The one door from shop events to the public schema (e.g. billing's technical-fee ledger).

Public apps register handlers by event name in their `AppConfig.ready()`; the shop's event drain
(tenant_apps.events) calls `deliver_to_platform` once per (event, public handler), inside its own
delivery transaction. Each handler runs in the public schema and at most once per event id
(a PlatformEventReceipt row written in the same transaction as the handler's effect).
"""

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import connection, transaction
from django.db.models import Min
from django_tenants.utils import get_public_schema_name, schema_context

from .models import PendingEventsMark, PlatformEventReceipt, Shop

SHARDS = 8


@dataclass(frozen=True)
class PlatformEvent:
    shop: Shop
    id: uuid.UUID
    name: str
    payload: dict[str, Any]


PlatformHandler = Callable[[PlatformEvent], None]
_handlers: dict[str, dict[str, PlatformHandler]] = {}


def platform_subscriber(name: str, *, handler: str) -> Callable[[PlatformHandler], PlatformHandler]:
    """Register a public-schema handler for shop events called `name`; `handler` is its stable name."""

    def register(fn: PlatformHandler) -> PlatformHandler:
        registered = _handlers.setdefault(name, {})
        if registered.get(handler, fn) is not fn:
            raise ValueError(f"platform handler {handler!r} is already registered for {name!r}")
        registered[handler] = fn
        return fn

    return register


def platform_handlers(name: str) -> list[str]:
    return sorted(_handlers.get(name, {}))


def deliver_to_platform(
    *, shop: Shop, name: str, payload: dict[str, Any], event_id: uuid.UUID, handler: str | None = None
) -> int:
    """Run the public handlers of event `name` (or only `handler`) that have not seen `event_id` yet.

    Returns how many ran. Call it inside a transaction: receipt and effect commit or roll back together.
    """
    event = PlatformEvent(shop=shop, id=uuid.UUID(str(event_id)), name=name, payload=payload)
    names = [handler] if handler else platform_handlers(name)
    ran = 0
    with schema_context(get_public_schema_name()), transaction.atomic():
        for handler_name in names:
            fn = _handlers.get(name, {}).get(handler_name)
            if fn is None:
                raise LookupError(f"no platform handler {handler_name!r} for {name!r}")
            with connection.cursor() as cursor:
                # ON CONFLICT: a concurrent delivery of the same event waits here, then skips.
                cursor.execute(
                    f"INSERT INTO {PlatformEventReceipt._meta.db_table} (shop_id, event_id, handler, name, received)"
                    " VALUES (%s, %s, %s, %s, now()) ON CONFLICT (event_id, handler) DO NOTHING RETURNING id",
                    [shop.pk, event.id, handler_name, name],
                )
                if cursor.fetchone() is None:
                    continue
            fn(event)
            ran += 1
    return ran


def _mark_table() -> str:
    return f'"{get_public_schema_name()}".{PendingEventsMark._meta.db_table}'


def mark_pending_events(shop: Shop) -> None:
    """Record, in the caller's transaction, that `shop` has outbox events to deliver.

    DO UPDATE (not DO NOTHING) takes the row lock until commit, so `clear_pending_events_mark` waits for
    this transaction and then sees its event: no event can commit unmarked behind the drain's back.
    """
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {_mark_table()} (shop_id, shard, marked) VALUES (%s, pg_backend_pid() %% {SHARDS}, now())"
            " ON CONFLICT (shop_id, shard) DO UPDATE SET marked = excluded.marked",
            [shop.pk],
        )


def clear_pending_events_mark(shop: Shop, is_idle: Callable[[], bool]) -> bool:
    """Delete the shop's marks if `is_idle()` (nothing left to deliver), checked under the marks' row locks."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"SELECT shard FROM {_mark_table()} WHERE shop_id = %s FOR UPDATE", [shop.pk])
        if not cursor.fetchall():
            return True
        if not is_idle():
            return False
        cursor.execute(f"DELETE FROM {_mark_table()} WHERE shop_id = %s", [shop.pk])
    return True


def shops_with_pending_events(limit: int = 1000) -> list[Shop]:
    """Marked shops, oldest mark first (public schema only: no shop schema is read)."""
    with schema_context(get_public_schema_name()):
        oldest = PendingEventsMark.objects.values("shop_id").annotate(first=Min("marked")).order_by("first", "shop_id")
        shop_ids = [row["shop_id"] for row in oldest[:limit]]
        shops = Shop.objects.in_bulk(shop_ids)
        return [shops[pk] for pk in shop_ids if pk in shops]
