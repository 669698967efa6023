"""Who listens to which event. Subscribers register in their AppConfig.ready(), so workers know them too."""

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from shared_apps.tenancy.interface import platform_handlers

PLATFORM_PREFIX = "platform:"


@dataclass(frozen=True)
class Event:
    """What a handler receives; `id` is the idempotency key for anything the handler writes elsewhere."""

    id: uuid.UUID
    name: str
    payload: dict[str, Any]
    created: datetime


Handler = Callable[[Event], None]
_handlers: dict[str, dict[str, Handler]] = {}


def subscriber(name: str, *, handler: str | None = None) -> Callable[[Handler], Handler]:
    """Register `fn(event)` for events called `name`.

    `handler` is the stable name stored in Delivery rows (default: module.qualname); renaming it while
    events are in flight would run them again under the new name.
    """

    def register(fn: Handler) -> Handler:
        key = handler or f"{fn.__module__}.{fn.__qualname__}"
        if key.startswith(PLATFORM_PREFIX):
            raise ValueError(f"handler names starting with {PLATFORM_PREFIX!r} are reserved")
        registered = _handlers.setdefault(name, {})
        if registered.get(key, fn) is not fn:
            raise ValueError(f"handler {key!r} is already registered for {name!r}")
        registered[key] = fn
        return fn

    return register


def handler_names(name: str) -> list[str]:
    """Shop handlers, then one per public-schema subscriber (delivered through tenancy's platform door)."""
    return sorted(_handlers.get(name, {})) + [PLATFORM_PREFIX + h for h in platform_handlers(name)]


def local_handler(name: str, key: str) -> Handler | None:
    return _handlers.get(name, {}).get(key)
