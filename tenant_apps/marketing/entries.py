"""Entry points of the running activities on the storefront (秒杀 / 拼团 / 砍价 on product cards and product pages),
read through one cached snapshot per shop, the way promotions feeds its badges.

Each tool registers one provider from its AppConfig.ready(): `register_entries(provider)`, where `provider()`
returns an `Entry` per (published, not ended) activity and product, read from its own tables (one query). The
snapshot is rebuilt after a write (`entries_changed()`, on commit; every status change calls it) and filtered by
the clock at read time, so:

- `badges(products, now, detail)` (storefront.register_badges) costs no query while the snapshot is cached;
- `boundaries(now)` (pricing.register_price_boundaries): every start and end, and the last change, so a cached
  anonymous page shows an entry from its first second and drops it at its last.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass
from datetime import datetime

from django.db import connection
from django.utils import timezone
from django_tenants.utils import get_public_schema_name

from micromall.snapshots import ShopSnapshot

from .lifecycle import is_live
from .models import ActivityStatus

SNAPSHOT_SECONDS = 300
# What a provider lists: published and not over (the clock decides at read time whether it runs now).
LISTED_STATUSES = (ActivityStatus.SCHEDULED, ActivityStatus.RUNNING, ActivityStatus.PAUSED)


@dataclass(frozen=True)
class Entry:
    kind: str  # "flash_sale", "group_buy", "bargain": the badge's kind (CSS class badge-<kind>)
    activity_id: int
    product_id: int
    status: str  # the stored status (never draft, ended or invalidated)
    starts_at: datetime
    ends_at: datetime
    url: str  # the activity's storefront page
    price_amount: int  # the activity's price of the product (its lowest over SKUs)
    group_size: int = 0  # 拼团: N人团


EntryProvider = Callable[[], Iterable[Entry]]
Describer = Callable[[Entry], tuple[str, str]]
_providers: dict[str, tuple[EntryProvider, Describer]] = {}


def register_entries(kind: str, provider: EntryProvider, describe: Describer) -> None:
    """`provider()` -> the tool's entries (all of `kind`); `describe(entry)` -> (badge label, call to action),
    translated at call time, e.g. ("3人团 ¥79.00", "去开团")."""
    _providers[kind] = (provider, describe)


def unregister_entries(kind: str) -> None:
    _providers.pop(kind, None)


def entries_changed() -> None:
    """Call in a writing transaction that changes what a shopper may join: the snapshot is rebuilt once it
    commits, and the moment becomes a price boundary (cached pages are served afresh)."""
    if connection.schema_name == get_public_schema_name():
        return
    SNAPSHOT.changed(timezone.now())


def snapshot() -> dict:
    if not _providers or connection.schema_name == get_public_schema_name():
        return {"entries": [], "changed": None}
    return SNAPSHOT.get()


def _build() -> dict:
    rows = [asdict(entry) for provider, _describe in _providers.values() for entry in provider()]
    return {"entries": rows, "changed": SNAPSHOT.last_change()}


def live_entries(product_ids: Iterable[int], now: datetime) -> dict[int, list[Entry]]:
    """{product id: [Entry running at `now`]}, in registration order (秒杀 first when flash sales registered first)."""
    wanted = set(product_ids)
    found: dict[int, list[Entry]] = {}
    for row in snapshot()["entries"]:
        if row["product_id"] in wanted and is_live(row["status"], row["starts_at"], row["ends_at"], now):
            found.setdefault(row["product_id"], []).append(Entry(**row))
    return found


def boundaries(now: datetime) -> list[datetime]:
    data = snapshot()
    moments = [moment for row in data["entries"] for moment in (row["starts_at"], row["ends_at"])]
    return moments + ([data["changed"]] if data["changed"] else [])


def badges(*, products: Sequence, now: datetime, detail: bool = False) -> dict[int, list]:
    """Storefront badges: one per running activity of the product, with its page, price and call to action (the
    product page shows these as entry blocks; `ends_at` only there, for the 秒杀 countdown)."""
    from tenant_apps.storefront.interface import Badge

    found: dict[int, list] = {}
    for product_id, rows in live_entries((product.product_id for product in products), now).items():
        for entry in rows:
            if entry.kind not in _providers:
                continue
            label, action = _providers[entry.kind][1](entry)
            found.setdefault(product_id, []).append(
                Badge(
                    kind=entry.kind,
                    label=label,
                    ends_at=entry.ends_at if detail and entry.kind == "flash_sale" else None,
                    url=entry.url,
                    price_amount=entry.price_amount,
                    action=action,
                )
            )
    return found


SNAPSHOT = ShopSnapshot("marketing:entries", _build, seconds=SNAPSHOT_SECONDS)
