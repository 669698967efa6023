"""Commission release benchmark: 1,000,000 pending ledger entries past their freeze become available.

    .venv/bin/python bench/commission.py [--entries 1000000] [--distributors 1000]

On a database of its own (BENCH_DATABASE_NAME, default mm_bench_commission): one shop `commission`, its
schema migrated, `--distributors` distributors, and `--entries` pending commission entries whose freeze ended
yesterday (inserted with one INSERT ... SELECT generate_series; one entry per order, the worst case: one
release row per entry) and their orders' release rows, as order.completed leaves them. Then the product's own
service, `distribution.services.release_due()` (one statement: DELETE the due release rows, UPDATE ... FROM
the ledger by order_id; HOT updates, see the service), is timed. Prints a Markdown row (docs/benchmarks.md
keeps the latest). Goal: <= 30 s. `--explain` prints EXPLAIN (ANALYZE, BUFFERS, WAL) of that statement instead
(it runs it: the figures are the real ones).
"""

import argparse
import datetime
import os
import sys
import time
from pathlib import Path

sys.path[:0] = [str(Path(__file__).resolve().parents[1]), str(Path(__file__).resolve().parents[1] / "platform")]
os.environ.setdefault("BENCH_DATABASE_NAME", "mm_bench_commission")

from bench._common import ensure_database, machine, setup_django  # noqa: E402

SCHEMA, SUBDOMAIN = "commission_shop", "commission"


def prepare(entries: int, distributors: int):
    setup_django("bench.settings")
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django_tenants.utils import tenant_context

    from shared_apps.tenancy.models import Domain, Shop

    name = ensure_database()
    print(f"==> Preparing {name}: {entries:,} pending entries over {distributors:,} distributors", flush=True)
    call_command("migrate_schemas", shared=True, interactive=False, verbosity=0)
    shop = Shop.objects.filter(schema_name=SCHEMA).first()
    if shop is None:
        shop = Shop.objects.create(name="Commission", subdomain=SUBDOMAIN, schema_name=SCHEMA)
        Domain.objects.create(domain=f"{SUBDOMAIN}.{settings.ROOT_DOMAIN}", tenant=shop, is_primary=True)
    shop.create_schema(check_if_exists=True, verbosity=0)
    call_command("migrate_schemas", schema_name=SCHEMA, interactive=False, verbosity=0)
    with tenant_context(shop), connection.cursor() as cursor:
        cursor.execute("TRUNCATE distribution_commissionentry, distribution_releaseschedule, distribution_withdrawal, "
                       "distribution_binding, distribution_distributor, members_member CASCADE")  # fmt: skip
        cursor.execute(
            "INSERT INTO members_member (phone, password, nickname, is_active, created) "
            "SELECT '150' || lpad(g::text, 8, '0'), '!', '', true, now() FROM generate_series(1, %s) g",
            [distributors],
        )
        cursor.execute(
            "INSERT INTO distribution_distributor (member_id, code, status, created, approved_at) "
            "SELECT id, 'B' || lpad(id::text, 7, '0'), 'approved', now(), now() FROM members_member"
        )
        cursor.execute("SELECT min(id), max(id) FROM distribution_distributor")
        low, high = cursor.fetchone()
        cursor.execute(
            "INSERT INTO distribution_commissionentry (distributor_id, kind, order_id, order_number, buyer_id, level, "
            "base_amount, rate_bps, amount, lines, status, available_at, created) "
            "SELECT %s + (g %% (%s - %s + 1)), 'commission', g, 'N' || g, 1, 1, 12900, 1000, 1290, '[]', 'pending', "
            "now() - interval '1 day', now() FROM generate_series(1, %s) g",
            [low, high, low, entries],
        )
        cursor.execute(
            "INSERT INTO distribution_releaseschedule (order_id, due_at) "
            "SELECT DISTINCT order_id, available_at FROM distribution_commissionentry WHERE status = 'pending'"
        )
        cursor.execute("ANALYZE distribution_commissionentry")
        cursor.execute("ANALYZE distribution_releaseschedule")
        cursor.execute("CHECKPOINT")  # the load's dirty pages are written before the clock starts
    return shop


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, default=1_000_000)
    parser.add_argument("--distributors", type=int, default=1000)
    parser.add_argument("--batch", type=int, default=0, help="orders per statement (default: the service's)")
    parser.add_argument("--explain", action="store_true", help="EXPLAIN (ANALYZE, BUFFERS, WAL) the release")
    parser.add_argument("--explain-upto", type=int, default=0, help="with --explain: one batch, order_id <= this")
    args = parser.parse_args()
    shop = prepare(args.entries, args.distributors)
    from django.db import connection
    from django_tenants.utils import tenant_context

    from tenant_apps.distribution.models import CommissionEntry
    from tenant_apps.distribution.services import RELEASE_SQL, release_due

    if args.explain:
        with tenant_context(shop), connection.cursor() as cursor:
            now = datetime.datetime.now(datetime.UTC)
            params = {"now": now, "after": -1, "upto": args.explain_upto or 2**63 - 1}
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS, WAL) " + RELEASE_SQL, params)
            print("\n".join(row[0] for row in cursor.fetchall()))
            cursor.execute("SELECT n_tup_upd, n_tup_hot_upd FROM pg_stat_user_tables "
                           "WHERE relname = 'distribution_commissionentry'")  # fmt: skip
            print("updates, of which HOT (cumulative):", cursor.fetchone())
        return
    with tenant_context(shop):
        started = time.perf_counter()
        moved = release_due(batch=args.batch) if args.batch else release_due()
        seconds = time.perf_counter() - started
        left = CommissionEntry.objects.filter(status="pending").count()
    assert moved == args.entries and left == 0, (moved, left)
    load = os.getloadavg()[0]
    print(f"| {datetime.date.today()} | {moved:,} | {seconds:.1f} s | {'met' if seconds <= 30 else 'NOT met'} "
          f"| load {load:.1f}; {machine()} |")  # fmt: skip


if __name__ == "__main__":
    main()
