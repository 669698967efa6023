"""Flash-sale benchmark: 200 concurrent buyers over HTTP racing for 50 units of one SKU.

    .venv/bin/python bench/flash_sale.py [--rounds 10] [--buyers 200] [--units 50] [--seconds 5] [--port 8500]
        [--flash-rounds 3] [--flash-buyers 500] [--flash-units 100]

gunicorn with the product's config (deploy/gunicorn.conf.py, sync workers, WEB_CONCURRENCY, default 2) and
the product's settings with their throttles (bench.storefront_settings; an order counts against its member's
own bucket, so the buyers sharing 127.0.0.1 do not limit each other),
DEBUG off, on a database of its own (BENCH_DATABASE_NAME, default mm_bench_flash): one shop `flash.localhost`,
one active product with one SKU, `--buyers` members with a token and an address each.

race       each round: stock set to `--units`, every buyer sends ONE `POST /api/v1/store/orders` (1 unit) at
           the same moment (bench/loadgen.py, one connection each); then the database is checked: orders, units sold,
           stock, ledger. Oversold units = units in orders beyond the stock there was (must be 0). orders/s =
           units sold / the time until the last order was confirmed (its 201 received); requests/s = buyers /
           the time until every buyer, refused ones included, had an answer.
sustained  stock large enough; every buyer places orders back to back for `--seconds`: orders/s under
           `--buyers` concurrent buyers, latency p50/p99.
秒杀       `--flash-buyers` (default 500) members race in a running flash-sale session (tenant_apps/flash_sales)
           for `--flash-units` (default 100) flash units at ¥59.00, per-member quota 1 (`--flash-rounds` rounds):
           every buyer sends TWO orders with the activity at the same moment, so the quota is tested as well
           as the stock. Checked after each round: flash units sold = orders = units held in quotas, nobody
           holds more than the quota, flash stock never below 0, real stock = what it was - units sold.
Any 5xx fails the run. Results are printed as a Markdown table (docs/benchmarks.md keeps the latest).
"""

import argparse
import datetime
import json
import os
import statistics
import sys
import time
from pathlib import Path

sys.path[:0] = [str(Path(__file__).resolve().parents[1]), str(Path(__file__).resolve().parents[1] / "platform")]
os.environ.setdefault("BENCH_DATABASE_NAME", "mm_bench_flash")
SETTINGS = "bench.storefront_settings"

from bench import loadgen  # noqa: E402
from bench._common import ROOT, Gunicorn, django_env, ensure_database, machine, setup_django  # noqa: E402

SCHEMA, SUBDOMAIN = "flash_shop", "flash"


def prepare(buyers: int) -> tuple[str, int, list[tuple[str, int]]]:
    """Migrate the bench database and the shop; returns (host, sku id, [(token, address id)] per buyer)."""
    setup_django(SETTINGS)
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django_tenants.utils import tenant_context

    from shared_apps.tenancy.models import Domain, Shop
    from tenant_apps.catalog.models import Product, ProductStatus, Sku
    from tenant_apps.checkout.models import Address
    from tenant_apps.members.models import Member, MemberToken
    from tenant_apps.members.services import token_digest

    name = ensure_database()
    print(f"==> Preparing {name}: shop {SUBDOMAIN}, {buyers} buyers (准备数据)", flush=True)
    call_command("migrate_schemas", shared=True, interactive=False, verbosity=0)
    shop = Shop.objects.filter(schema_name=SCHEMA).first()
    if shop is None:
        shop = Shop.objects.create(name="Flash sale", subdomain=SUBDOMAIN, schema_name=SCHEMA)
        Domain.objects.create(domain=f"{SUBDOMAIN}.{settings.ROOT_DOMAIN}", tenant=shop, is_primary=True)
    shop.create_schema(check_if_exists=True, verbosity=0)
    call_command("migrate_schemas", schema_name=SCHEMA, interactive=False, verbosity=0)
    with tenant_context(shop):
        sku = Sku.objects.filter(code="FLASH-1").first()
        if sku is None:
            product = Product.objects.create(
                title="秒杀 · 限量茶具", status=ProductStatus.ACTIVE, min_price_amount=9900
            )
            sku = Sku.objects.create(product=product, code="FLASH-1", price_amount=9900, stock=0)
        have = Member.objects.count()
        if have < buyers:
            members = Member.objects.bulk_create(
                Member(phone=f"139{n:08d}", password="!") for n in range(have, buyers)
            )  # fmt: skip
            MemberToken.objects.bulk_create(
                MemberToken(member=m, digest=token_digest(f"mms_flash_{m.phone}")) for m in members
            )
            Address.objects.bulk_create(
                Address(member=m, name="买家", phone=m.phone, province="浙江", city="杭州市", district="西湖区",
                        line1="文三路 1 号", is_default=True)
                for m in members
            )  # fmt: skip
        pairs = [
            (f"mms_flash_{phone}", address_id)
            for phone, address_id in Address.objects.filter(member__phone__startswith="139")
            .order_by("member_id")
            .values_list("member__phone", "pk")[:buyers]
        ]
    connection.close()
    return f"{SUBDOMAIN}.{settings.ROOT_DOMAIN}", sku.pk, pairs


def reset_sale(sku_id: int, stock: int) -> None:
    from django.db import connection
    from django_tenants.utils import schema_context

    from tenant_apps.catalog.models import Sku

    with schema_context(SCHEMA), connection.cursor() as cursor:
        cursor.execute(
            "TRUNCATE orders_payment, orders_shipment, orders_orderline, orders_order, catalog_stockadjustment, "
            "catalog_lowstocknotice CASCADE"
        )
        Sku.objects.filter(pk=sku_id).update(stock=stock)


def restock(sku_id: int, stock: int) -> None:
    """A new sale: set the stock, then let the web workers' one-second "sold out" memos lapse."""
    from tenant_apps.orders.services.placing import SOLD_OUT_MEMO_SECONDS

    reset_sale(sku_id, stock)
    time.sleep(SOLD_OUT_MEMO_SECONDS + 0.1)


def sale_outcome(sku_id: int) -> dict:
    from django.db.models import Sum
    from django_tenants.utils import schema_context

    from tenant_apps.catalog.models import Sku, StockAdjustment
    from tenant_apps.orders.models import Order, OrderLine

    with schema_context(SCHEMA):
        return {
            "orders": Order.objects.count(),
            "units": OrderLine.objects.aggregate(n=Sum("quantity"))["n"] or 0,
            "stock": Sku.objects.get(pk=sku_id).stock,
            "ledger": StockAdjustment.objects.filter(reason="order").aggregate(n=Sum("delta"))["n"] or 0,
        }


FLASH_REAL_STOCK = 10**5


def reset_flash_sale(sku_id: int, units: int, per_member: int) -> int:
    """A fresh running session selling `units` of the SKU at ¥59.00; returns its id. Orders are emptied."""
    from datetime import timedelta

    from django.utils import timezone
    from django_tenants.utils import schema_context

    from tenant_apps.flash_sales.services import create_flash_sale

    reset_sale(sku_id, FLASH_REAL_STOCK)
    with schema_context(SCHEMA):
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute(
                "TRUNCATE flash_sales_flashsaleparticipation, flash_sales_flashsalequota, flash_sales_flashsaleitem, "
                "flash_sales_flashsale CASCADE"
            )
        start = timezone.now() - timedelta(seconds=5)
        sale = create_flash_sale(
            title="秒杀 bench",
            starts_at=start,
            ends_at=start + timedelta(hours=1),
            items=[{"sku_id": sku_id, "price_amount": 5900, "stock": units, "per_member_limit": per_member}],
            publish=True,
        )
    from tenant_apps.flash_sales.extension import SOLD_OUT_MEMO_SECONDS

    time.sleep(SOLD_OUT_MEMO_SECONDS + 0.1)  # the web workers' sold-out memos of the previous round lapse
    return sale.pk


def flash_outcome(sku_id: int) -> dict:
    from django.db.models import Count, Max, Sum
    from django_tenants.utils import schema_context

    from tenant_apps.catalog.models import Sku
    from tenant_apps.flash_sales.models import FlashSaleItem, FlashSaleParticipation, FlashSaleQuota
    from tenant_apps.orders.models import Order, OrderLine

    with schema_context(SCHEMA):
        item = FlashSaleItem.objects.get()
        return {
            "orders": Order.objects.count(),
            "flash_orders": Order.objects.filter(activity_type="flash_sale").count(),
            "units": OrderLine.objects.aggregate(n=Sum("quantity"))["n"] or 0,
            "participations": FlashSaleParticipation.objects.aggregate(n=Sum("quantity"))["n"] or 0,
            "held": FlashSaleQuota.objects.aggregate(n=Sum("bought"))["n"] or 0,
            "max_held": FlashSaleQuota.objects.aggregate(n=Max("bought"))["n"] or 0,
            "max_orders_per_member": max(
                [row["n"] for row in Order.objects.values("member_id").annotate(n=Count("id"))] or [0]
            ),
            "remaining": item.remaining,
            "stock": Sku.objects.get(pk=sku_id).stock,
        }


def flash_body(sku_id: int, address_id: int, sale_id: int) -> bytes:
    return json.dumps(
        {
            "items": [{"sku_id": sku_id, "quantity": 1}],
            "address_id": address_id,
            "activity": {"type": "flash_sale", "id": sale_id},
        }
    ).encode()


def order_request(host: str, token: str, body: bytes) -> bytes:
    return loadgen.post(host, "/api/v1/store/orders", body, {"Authorization": f"Bearer {token}"})


def flash_race(port: int, host: str, sku_id: int, sale_id: int, buyers: list[tuple[str, int]]):
    started = time.perf_counter()
    answers = loadgen.burst(
        port,
        [
            order_request(host, token, flash_body(sku_id, address, sale_id))
            for token, address in buyers
            for _attempt in range(2)
        ],
    )
    return [(answer.status, answer.seconds) for answer in answers], time.perf_counter() - started


def order_body(sku_id: int, address_id: int) -> bytes:
    return json.dumps({"items": [{"sku_id": sku_id, "quantity": 1}], "address_id": address_id}).encode()


def race(port: int, host: str, sku_id: int, buyers: list[tuple[str, int]]) -> tuple[list, float, float]:
    """All buyers at once; returns [(status, latency)], the time until every buyer had an answer, and the time
    until the last order was confirmed (its 201 received): the units sold in that time are the orders/s."""
    requests = [order_request(host, token, order_body(sku_id, address)) for token, address in buyers]
    answers = loadgen.burst(port, requests)
    sold_out = max((answer.at for answer in answers if answer.status == 201), default=float("nan"))
    return [(answer.status, answer.seconds) for answer in answers], max(answer.at for answer in answers), sold_out


def sustained(port: int, host: str, sku_id: int, buyers: list[tuple[str, int]], seconds: float):
    requests = [order_request(host, token, order_body(sku_id, address)) for token, address in buyers]
    answers, wall = loadgen.closed_loop(port, requests, seconds)
    return [(answer.status, answer.seconds) for answer in answers], wall


def process_cpu_seconds(pid: int) -> float:
    """CPU (user + system) used so far by one process, from /proc (Linux); OSError once it has gone."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime, stime (fields 14 and 15)


def worker_pids(master_pid: int) -> list[int]:
    """gunicorn's worker processes: the master's children."""
    try:
        return [int(pid) for pid in Path(f"/proc/{master_pid}/task/{master_pid}/children").read_text().split()]
    except OSError:
        return []


def cpu_seconds(pids) -> float:
    """CPU used so far by these processes together (one that has gone counts for nothing)."""
    total = 0.0
    for pid in pids:
        try:
            total += process_cpu_seconds(pid)
        except OSError:
            continue
    return total


def web_cpu_seconds(master_pid: int) -> float:
    """CPU (user + system) used so far by gunicorn's worker processes."""
    return cpu_seconds(worker_pids(master_pid))


def db_cpu_seconds() -> float:
    """CPU used so far by the PostgreSQL backends of the bench database's other connections (the web workers'
    persistent ones), from /proc: PostgreSQL runs on this machine."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
        return cpu_seconds(pid for (pid,) in cursor.fetchall())


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=10)
    parser.add_argument("--buyers", type=int, default=200)
    parser.add_argument("--units", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=5.0, help="length of the sustained run (0: skip it)")
    parser.add_argument("--port", type=int, default=8500)
    parser.add_argument("--workers", type=int, default=int(os.environ.get("WEB_CONCURRENCY", "2")))
    parser.add_argument("--flash-rounds", type=int, default=3, help="秒杀 rounds (0: skip the case)")
    parser.add_argument("--flash-buyers", type=int, default=500)
    parser.add_argument("--flash-units", type=int, default=100)
    args = parser.parse_args()
    host, sku_id, buyers = prepare(max(args.buyers, args.flash_buyers if args.flash_rounds else 0))
    flash_buyers, buyers = buyers[: args.flash_buyers], buyers[: args.buyers]
    log = ROOT / ".data" / "logs" / "bench-flash-sale-gunicorn.log"
    log.parent.mkdir(parents=True, exist_ok=True)
    env = django_env(SETTINGS, WEB_CONCURRENCY=str(args.workers), BENCH_DATABASE_NAME=os.environ["BENCH_DATABASE_NAME"])
    rounds = []
    load_before = os.getloadavg()[0]
    with Gunicorn(env, args.port, log) as server:
        server.wait_ready(host)
        reset_sale(sku_id, 10**6)  # warm every worker's connection, routing and code paths
        race(args.port, host, sku_id, buyers[: args.workers * 4])  # warm-up
        for _ in range(args.rounds):
            restock(sku_id, args.units)
            results, wall, sold_out = race(args.port, host, sku_id, buyers)
            outcome = sale_outcome(sku_id)
            codes = [code for code, _ in results]
            rounds.append(
                {
                    "wall": wall,
                    "sold_out": sold_out,
                    "created": codes.count(201),
                    "refused": codes.count(409),
                    "errors_5xx": sum(1 for code in codes if code >= 500),
                    "other": sum(1 for code in codes if code not in (201, 409) and code < 500),
                    "latencies": [seconds for _, seconds in results],
                    "oversold": max(0, outcome["units"] - args.units),
                    "consistent": outcome["stock"] == args.units - outcome["units"] >= 0
                    and -outcome["ledger"] == outcome["units"] == codes.count(201),
                }
            )
        steady = None
        if args.seconds > 0:
            restock(sku_id, 10**6)
            cpu_before, db_before = web_cpu_seconds(server.proc.pid), db_cpu_seconds()
            client_before = time.process_time()
            results, wall = sustained(args.port, host, sku_id, buyers, args.seconds)
            client_used = time.process_time() - client_before
            cpu_used, db_used = web_cpu_seconds(server.proc.pid) - cpu_before, db_cpu_seconds() - db_before
            outcome = sale_outcome(sku_id)
            steady = {
                "wall": wall,
                "created": sum(1 for code, _ in results if code == 201),
                "errors_5xx": sum(1 for code, _ in results if code >= 500),
                "other": sum(1 for code, _ in results if code != 201 and code < 500),
                "latencies": [seconds for _, seconds in results],
                "consistent": outcome["orders"] == outcome["units"] == -outcome["ledger"],
                "cpu_ms_per_order": cpu_used * 1000 / max(1, len(results)),
                "db_cpu_ms_per_order": db_used * 1000 / max(1, len(results)),
                "client_cpu_ms_per_order": client_used * 1000 / max(1, len(results)),
            }
        flash_rounds = []
        for _ in range(args.flash_rounds):
            sale_id = reset_flash_sale(sku_id, args.flash_units, per_member=1)
            results, wall = flash_race(args.port, host, sku_id, sale_id, flash_buyers)
            outcome = flash_outcome(sku_id)
            codes = [code for code, _ in results]
            flash_rounds.append(
                {
                    "wall": wall,
                    "requests": len(codes),
                    "created": codes.count(201),
                    "refused": codes.count(409),
                    "errors_5xx": sum(1 for code in codes if code >= 500),
                    "other": sum(1 for code in codes if code not in (201, 409) and code < 500),
                    "latencies": [seconds for _, seconds in results],
                    "oversold": max(0, outcome["participations"] - args.flash_units),
                    "over_quota": max(0, outcome["max_held"] - 1) + max(0, outcome["max_orders_per_member"] - 1),
                    "consistent": outcome["orders"]
                    == outcome["flash_orders"]
                    == outcome["units"]
                    == outcome["participations"]
                    == outcome["held"]
                    == codes.count(201)
                    == args.flash_units - outcome["remaining"]
                    and outcome["remaining"] >= 0
                    and outcome["stock"] == FLASH_REAL_STOCK - outcome["units"],
                }
            )
        reset_sale(sku_id, 0)

    now = datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC")
    all_latencies = [s for r in rounds for s in r["latencies"]]
    print(f"\nFlash-sale benchmark — {now}\nmachine: {machine()}")
    print(f"gunicorn sync workers: {args.workers}; 1-min load average before / after: {load_before:.2f} / "
          f"{os.getloadavg()[0]:.2f}\n")  # fmt: skip
    print(
        "race: orders/s = units sold / time until the last order was confirmed (sold out); requests/s = buyers / "
        "time until every buyer had an answer (the refused ones included); sustained: every request an order\n"
    )
    print("| run | buyers | units | sold | 409 | 5xx | oversold | sold out ms | all answered ms | requests/s "
          "| orders/s | p50 ms | p99 ms |")  # fmt: skip
    print("|---|---|---|---|---|---|---|---|---|---|---|---|---|")
    for n, r in enumerate(rounds, 1):
        print(
            f"| race {n} | {args.buyers} | {args.units} | {r['created']} | {r['refused']} | {r['errors_5xx']} | "
            f"{r['oversold']} | {r['sold_out'] * 1000:.0f} | {r['wall'] * 1000:.0f} | {args.buyers / r['wall']:.0f} | "
            f"{r['created'] / r['sold_out']:.0f} | {pct(r['latencies'], 0.5):.0f} | {pct(r['latencies'], 0.99):.0f} |"
        )
    walls, sold_outs = [r["wall"] for r in rounds], [r["sold_out"] for r in rounds]
    print(
        "| race median: no rounds (--rounds 0) | | | | | | | | | | | | |"
        if not rounds
        else f"| race median | {args.buyers} | {args.units} | | | {sum(r['errors_5xx'] for r in rounds)} | "
        f"{sum(r['oversold'] for r in rounds)} | {statistics.median(sold_outs) * 1000:.0f} | "
        f"{statistics.median(walls) * 1000:.0f} | {args.buyers / statistics.median(walls):.0f} | "
        f"{args.units / statistics.median(sold_outs):.0f} | {pct(all_latencies, 0.5):.0f} | "
        f"{pct(all_latencies, 0.99):.0f} |"
    )
    if steady:
        print(
            f"| sustained {args.seconds:.0f} s | {args.buyers} | ample | {steady['created']} | {steady['other']} | "
            f"{steady['errors_5xx']} | 0 | | {steady['wall'] * 1000:.0f} | "
            f"{len(steady['latencies']) / steady['wall']:.0f} | "
            f"{steady['created'] / steady['wall']:.0f} | {pct(steady['latencies'], 0.5):.0f} | "
            f"{pct(steady['latencies'], 0.99):.0f} |"
        )
    if flash_rounds:
        print(f"\n秒杀: {args.flash_buyers} buyers × 2 simultaneous orders, {args.flash_units} flash units, quota 1\n")
        print("| run | requests | flash units | sold | 409 | 5xx | oversold | over quota | requests/s | orders/s "
              "| p50 ms | p99 ms |")  # fmt: skip
        print("|---|---|---|---|---|---|---|---|---|---|---|---|")
        for n, r in enumerate(flash_rounds, 1):
            print(
                f"| 秒杀 {n} | {r['requests']} | {args.flash_units} | {r['created']} | {r['refused']} | "
                f"{r['errors_5xx']} | {r['oversold']} | {r['over_quota']} | {r['requests'] / r['wall']:.0f} | "
                f"{r['created'] / r['wall']:.0f} | {pct(r['latencies'], 0.5):.0f} | {pct(r['latencies'], 0.99):.0f} |"
            )
    if steady:
        per_order, db = steady["cpu_ms_per_order"], steady["db_cpu_ms_per_order"]
        print(
            f"\nsustained: CPU per order: web workers {per_order:.1f} ms, PostgreSQL backends {db:.1f} ms (the "
            f"load generator: {steady['client_cpu_ms_per_order']:.1f} ms). On 2 otherwise idle cores: at most "
            f"{2000 / per_order:.0f} orders/s for the web tier alone, {2000 / (per_order + db):.0f} orders/s for web "
            "and database together (Redis and the client not counted)"
        )
    failures = []
    if any(r["oversold"] for r in rounds):
        failures.append("oversold units")
    if any(r["errors_5xx"] for r in rounds) or (steady and steady["errors_5xx"]):
        failures.append(f"5xx responses (see {log})")
    if any(r["other"] for r in rounds) or (steady and steady["other"]):
        failures.append("unexpected 4xx responses")
    if not all(r["consistent"] for r in rounds) or (steady and not steady["consistent"]):
        failures.append("orders, stock and ledger disagree")
    if any(r["created"] != args.units for r in rounds if args.buyers >= args.units):
        failures.append("a round sold fewer units than it had")
    if any(r["oversold"] or r["over_quota"] or r["errors_5xx"] or r["other"] for r in flash_rounds):
        failures.append("秒杀: oversold, over quota, 5xx or unexpected 4xx")
    if not all(r["consistent"] for r in flash_rounds):
        failures.append("秒杀: orders, flash stock, quotas and stock disagree")
    if any(r["created"] != args.flash_units for r in flash_rounds if args.flash_buyers >= args.flash_units):
        failures.append("秒杀: a round sold fewer flash units than it had")
    if failures:
        print("\nFAILED: " + "; ".join(failures))
        return 1
    print("\nAll rounds: 0 oversold, 0 5xx, orders = units sold = ledger.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
