"""Fast shop provisioning: a pool of pre-migrated spare schemas, claimed at signup.

Signup never runs migrations when the pool has a spare: it locks one (`FOR UPDATE SKIP LOCKED`), checks
that the schema's own `django_migrations` covers every tenant migration of the running code, creates the
shop rows on that schema, deletes the spare row and loads the template's content, all in one transaction.
A spare that lags behind the code (fingerprint or recorded migrations differ) is never handed out: it is
left for `migrate_spares` (which migrates it or drops it). An empty pool is the slow path, never an error:
the schema is created and migrated inside the signup transaction, so a failure leaves nothing behind.
"""

import functools
import hashlib
import logging
import secrets
from collections.abc import Callable

from django.apps import apps
from django.conf import settings
from django.core.management import call_command
from django.db import connection, transaction
from django.db.migrations.loader import MigrationLoader

from .models import Shop, SpareSchema

logger = logging.getLogger(__name__)

CREATING = "creating"  # a spare row whose schema is being created; never claimable
STALE_PREFIX = "stale:"
POOL_LOCK_KEY = 0x6D6D_5350  # pg advisory lock: one pool top-up at a time across processes


def new_schema_name() -> str:
    # Random, never derived from the subdomain: renaming a shop never renames a schema.
    return "shop_" + secrets.token_hex(6)


def pool_size() -> int:
    return int(getattr(settings, "SPARE_SCHEMA_POOL_SIZE", 5))


# -- fingerprints ---------------------------------------------------------------------------------


@functools.cache
def code_migrations() -> frozenset[tuple[str, str]]:
    """Every (app, name) migration of the tenant apps that the running code ships (the loader's graph)."""
    labels = {c.label for c in apps.get_app_configs() if c.name in settings.TENANT_APPS}
    loader = MigrationLoader(None, ignore_no_migrations=True)
    return frozenset(node for node in loader.graph.nodes if node[0] in labels)


def fingerprint(migrations: frozenset[tuple[str, str]] | set[tuple[str, str]]) -> str:
    text = "\n".join(f"{app}.{name}" for app, name in sorted(migrations))
    return hashlib.sha256(text.encode()).hexdigest()


@functools.cache
def code_fingerprint() -> str:
    return fingerprint(code_migrations())


def schema_migrations(schema_name: str) -> set[tuple[str, str]]:
    """The tenant migrations recorded as applied inside `schema_name` (one cheap query)."""
    labels = sorted({app for app, _ in code_migrations()})
    with connection.cursor() as cursor:
        cursor.execute("SELECT to_regclass(%s)", [f'"{schema_name}".django_migrations'])
        if cursor.fetchone()[0] is None:
            return set()
        cursor.execute(
            f'SELECT app, name FROM "{schema_name}".django_migrations WHERE app = ANY(%s)',
            [labels],
        )
        return {(app, name) for app, name in cursor.fetchall()}


def schema_is_current(schema_name: str) -> bool:
    # Superset, not equality: applying a squashed migration also records the ones it replaces.
    return code_migrations() <= schema_migrations(schema_name)


# -- schemas --------------------------------------------------------------------------------------


def schema_exists(schema_name: str) -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_namespace WHERE nspname = %s", [schema_name])
        return cursor.fetchone() is not None


def migrate_schema(schema_name: str) -> None:
    """Create (if needed) and migrate one schema with django-tenants' own migrator."""
    with connection.cursor() as cursor:
        cursor.execute(f'CREATE SCHEMA IF NOT EXISTS "{schema_name}"')
    try:
        call_command("migrate_schemas", schema_name=schema_name, interactive=False, verbosity=0)
    finally:
        connection.set_schema_to_public()


def drop_schema(schema_name: str) -> None:
    if not schema_name.startswith("shop_"):
        raise ValueError(f"refusing to drop {schema_name!r}")
    with connection.cursor() as cursor:
        cursor.execute(f'DROP SCHEMA IF EXISTS "{schema_name}" CASCADE')


# -- the pool -------------------------------------------------------------------------------------


def create_spare() -> SpareSchema:
    """Add one migrated spare to the pool (slow: runs every tenant migration). Not for the request path.

    The row is written first (state `creating`), so a crash mid-way leaves a row `migrate_spares` cleans up,
    never an unaccounted schema.
    """
    spare = SpareSchema.objects.create(schema_name=new_schema_name(), migration_state=CREATING)
    try:
        migrate_schema(spare.schema_name)
    except Exception:
        drop_schema(spare.schema_name)
        SpareSchema.objects.filter(pk=spare.pk).delete()
        raise
    return _record_state(spare)


def _record_state(spare: SpareSchema) -> SpareSchema:
    applied = schema_migrations(spare.schema_name)
    state = code_fingerprint() if code_migrations() <= applied else STALE_PREFIX + fingerprint(applied)
    SpareSchema.objects.filter(pk=spare.pk).update(migration_state=state)
    spare.migration_state = state
    return spare


def fresh_spare_count() -> int:
    return SpareSchema.objects.filter(migration_state=code_fingerprint()).count()


def claim_spare() -> SpareSchema | None:
    """Lock a current spare for the caller's transaction; the caller deletes it once the shop row exists.

    Concurrent claimers skip each other's locked rows. A spare whose schema turns out stale is marked so
    (nobody picks it again) and the next one is tried.
    """
    if not connection.in_atomic_block:
        raise RuntimeError("claim_spare() must run inside the signup transaction")
    current = code_fingerprint()
    for _attempt in range(5):
        spare = (
            SpareSchema.objects.select_for_update(skip_locked=True)
            .filter(migration_state=current)
            .order_by("id")
            .first()
        )
        if spare is None:
            return None
        if schema_exists(spare.schema_name) and schema_is_current(spare.schema_name):
            return spare
        logger.warning("spare schema %s is stale or missing; left for migrate_spares", spare.schema_name)
        SpareSchema.objects.filter(pk=spare.pk).update(
            migration_state=STALE_PREFIX + fingerprint(schema_migrations(spare.schema_name))
        )
    return None


def top_up_pool(*, target: int | None = None) -> int:
    """Create spares until `target` current ones wait in the pool. One runner at a time; returns how many."""
    target = pool_size() if target is None else target
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s)", [POOL_LOCK_KEY])
        if not cursor.fetchone()[0]:
            return 0
    created = 0
    try:
        while fresh_spare_count() < target:
            create_spare()
            created += 1
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_unlock(%s)", [POOL_LOCK_KEY])
    return created


def migrate_spares() -> dict[str, int]:
    """Bring every spare to the running code's migrations (run after `migrate_schemas`); drop the broken."""
    current = code_fingerprint()
    counts = {"migrated": 0, "dropped": 0, "current": 0}
    for spare in SpareSchema.objects.order_by("id"):
        if (
            spare.migration_state == current
            and schema_exists(spare.schema_name)
            and schema_is_current(spare.schema_name)
        ):
            counts["current"] += 1
            continue
        try:
            migrate_schema(spare.schema_name)
            spare = _record_state(spare)
        except Exception:
            logger.exception("spare schema %s could not be migrated; dropping it", spare.schema_name)
            spare.migration_state = STALE_PREFIX
        if spare.migration_state == current:
            counts["migrated"] += 1
        else:
            drop_schema(spare.schema_name)
            SpareSchema.objects.filter(pk=spare.pk).delete()
            counts["dropped"] += 1
    return counts


# -- provisioning a shop --------------------------------------------------------------------------


def prepare_schema(*, on_ready: Callable[[str], Shop]) -> Shop:
    """Give `on_ready(schema_name)` a migrated schema: a claimed spare, else a new one migrated now.

    Must run inside the caller's transaction: on any error the spare row comes back (rollback) and a
    schema created on the slow path disappears with the rollback.
    """
    spare = claim_spare()
    if spare is not None:
        shop = on_ready(spare.schema_name)
        SpareSchema.objects.filter(pk=spare.pk).delete()
        return shop
    logger.info("spare pool empty: migrating a new schema on the request path")
    schema_name = new_schema_name()
    shop = on_ready(schema_name)
    migrate_schema(schema_name)
    return shop


def schedule_top_up() -> None:
    """After a claim commits, refill the pool in the background (Celery)."""
    if not getattr(settings, "SPARE_POOL_REFILL_ON_CLAIM", True):
        return

    def send() -> None:
        from .tasks import top_up_spare_schemas

        try:
            top_up_spare_schemas.delay()
        except Exception:  # the broker being down must not fail a signup that already committed
            logger.exception("could not enqueue the spare pool top-up")

    transaction.on_commit(send)
