"""Storefront benchmark: product-list API and product page against a minimal Django app, throttles on.

    .venv/bin/python bench/storefront.py [--seconds 6] [--rounds 3] [--port 8300] [--shops 200]

One run, one gunicorn config (deploy/gunicorn.conf.py, WEB_CONCURRENCY=2 sync workers) for every server,
loopback only, wrk -t1 -c4. Every shop holds 1,000 active products (2 SKUs, a spec group and an image each).
Four gunicorns side by side (ports --port ... --port+3):
  minimal        a minimal Django project (bench.minimal_settings: no apps, no middleware, no database)
  product        the product's settings (bench.storefront_settings): throttles ON, NUM_PROXIES=1
  no throttles   the same without DRF throttles (what the throttle round trip costs)
  no page cache  the same without the whole-page cache (what rendering the product page costs)
Cases (every request carries a rotating X-Forwarded-For, as shoppers behind a proxy do):
  plain (minimal Django)      GET /plain on the minimal app: the reference of every ratio
  plain (project middleware)  /bench/plain on the platform host of the product (no shop, no query)
  list                        GET /api/v1/store/products?page_size=20 on one shop
  detail (product page)       GET /p/<id>, the theme-rendered product page, on one shop
  list 10 / N shops           the list API, each request on the next of 10 / N shop hosts
Data lives in its own database (BENCH_DATABASE_NAME, default mm_bench_storefront). Shop schemas after the
first are copies of it (pg_dump of one migrated schema, renamed), created once and reused by later runs.
"""

import argparse
import datetime
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path[:0] = [str(Path(__file__).resolve().parents[1]), str(Path(__file__).resolve().parents[1] / "platform")]
os.environ.setdefault("BENCH_DATABASE_NAME", "mm_bench_storefront")

from bench._common import ROOT, Gunicorn, django_env, ensure_database, ensure_wrk, machine, setup_django  # noqa: E402

PRODUCTS = 1000
BASE_SCHEMA = "sfb_000"
WORDS = [
    "夏季",
    "碎花",
    "连衣裙",
    "纯棉",
    "T恤",
    "运动",
    "跑鞋",
    "真丝",
    "衬衫",
    "牛仔裤",
    "Summer",
    "Dress",
    "Classic",
]


def shop_names(count: int) -> list[tuple[str, str]]:
    return [(f"sfb_{n:03d}", f"sfb{n:03d}") for n in range(count)]


def load_products() -> None:
    """1,000 active products in the current schema, in bulk (the search trigger fills the documents)."""
    from tenant_apps.catalog.models import (
        Category,
        Product,
        ProductImage,
        ProductStats,
        ProductStatus,
        Sku,
        SpecGroup,
        SpecValue,
    )

    categories = [Category.objects.create(name=f"分类{n}", slug=f"cat-{n}", depth=1) for n in range(8)]
    products = Product.objects.bulk_create(
        Product(
            title=f"{WORDS[i % len(WORDS)]}{WORDS[(i * 7) % len(WORDS)]} {i}",
            status=ProductStatus.ACTIVE,
            category=categories[i % len(categories)],
            min_price_amount=1000 + (i % 90) * 100,
            description_html="<p>商品详情 · product details</p>",
        )
        for i in range(PRODUCTS)
    )
    ProductStats.objects.bulk_create(
        ProductStats(product=p, sales_count=(i * 37) % 1000) for i, p in enumerate(products)
    )
    Sku.objects.bulk_create(
        Sku(
            product=p,
            code=f"SFB-{p.pk}-{size}",
            specs={"尺码": size},
            price_amount=p.min_price_amount + n * 500,
            stock=(p.pk + n) % 7,
            position=n,
        )
        for p in products
        for n, size in enumerate(["S", "M"])
    )
    groups = SpecGroup.objects.bulk_create(SpecGroup(product=p, name="尺码") for p in products)
    SpecValue.objects.bulk_create(SpecValue(group=g, value=v, position=n) for g in groups for n, v in enumerate("SM"))
    ProductImage.objects.bulk_create(
        ProductImage(product=p, image=f"shops/bench/products/{p.pk}.jpg", width=800, height=800) for p in products
    )


def pg_args() -> tuple[list[str], dict]:
    from django.conf import settings

    db = settings.DATABASES["default"]
    args = ["-d", db["NAME"]]
    if db["HOST"]:
        args += ["-h", db["HOST"]]
    if db["PORT"]:
        args += ["-p", str(db["PORT"])]
    if db["USER"]:
        args += ["-U", db["USER"]]
    return args, {**os.environ, "PGPASSWORD": db["PASSWORD"] or ""}


def prepare_data(shops: int) -> tuple[list[str], int]:
    """Migrate the bench database, the first shop with its products, and copies up to `shops`.

    Returns the shop hosts and the id of a product (the same in every copy).
    """
    setup_django()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django_tenants.utils import tenant_context

    from shared_apps.tenancy.models import Domain, Shop
    from shared_apps.tenancy.services import create_shop_record
    from tenant_apps.catalog.models import Product

    name = ensure_database()
    print(f"==> Preparing database {name}: {shops} shops x {PRODUCTS} products (准备测试数据)", flush=True)
    call_command("migrate_schemas", shared=True, interactive=False, verbosity=0)
    names = shop_names(shops)
    base = Shop.objects.filter(schema_name=BASE_SCHEMA).first()
    if base is None:
        base = create_shop_record(name="Bench 000", subdomain="sfb000", owner=None, schema_name=BASE_SCHEMA)
    base.create_schema(check_if_exists=True, verbosity=0)
    call_command("migrate_schemas", schema_name=BASE_SCHEMA, interactive=False, verbosity=0)
    with tenant_context(base):
        if Product.objects.count() != PRODUCTS:
            Product.objects.all().delete()
            load_products()
    connection.set_schema_to_public()

    with connection.cursor() as cursor:
        cursor.execute("SELECT nspname FROM pg_namespace WHERE nspname LIKE 'sfb\\_%%'")
        existing = {row[0] for row in cursor.fetchall()}
    missing = [schema for schema, _ in names if schema not in existing]
    if missing:
        print(f"==> Copying {BASE_SCHEMA} into {len(missing)} schemas (pg_dump, renamed)", flush=True)
        args, env = pg_args()
        dump = subprocess.run(
            ["pg_dump", "--no-owner", "--no-privileges", "-n", BASE_SCHEMA, *args],
            capture_output=True,
            text=True,
            check=True,
            env=env,
        ).stdout
        pattern = re.compile(rf"\b{BASE_SCHEMA}\b")
        for start in range(0, len(missing), 25):
            script = "".join(pattern.sub(schema, dump) for schema in missing[start : start + 25])
            with tempfile.NamedTemporaryFile("w", suffix=".sql") as fh:
                fh.write(script)
                fh.flush()
                subprocess.run(
                    ["psql", "-q", "-o", "/dev/null", "-v", "ON_ERROR_STOP=1", "-f", fh.name, *args],
                    check=True,
                    env=env,
                )
    for schema, subdomain in names:
        if not Shop.objects.filter(schema_name=schema).exists():
            shop = Shop.objects.create(name=f"Bench {subdomain}", subdomain=subdomain, schema_name=schema)
            Domain.objects.create(domain=f"{subdomain}.{settings.ROOT_DOMAIN}", tenant=shop, is_primary=True)
    with tenant_context(base):
        product_id = Product.objects.order_by("id").values_list("id", flat=True).first()
    connection.close()
    return [f"{subdomain}.{settings.ROOT_DOMAIN}" for _, subdomain in names], product_id


LUA = """
local hosts = {%s}
local i = 0
request = function()
  i = i + 1
  -- shoppers behind a proxy: a rotating client address (5,000 of them) in X-Forwarded-For
  local n = i %% 5000
  local xff = string.format("10.0.%%d.%%d", math.floor(n / 250), n %% 250 + 1)
  return wrk.format("GET", "%s", {["Host"] = hosts[i %% #hosts + 1], ["X-Forwarded-For"] = xff})
end
"""


def run_wrk(port: int, path: str, hosts: list[str], seconds: int) -> tuple[float, int]:
    """requests/s and error count; with several hosts each request goes to the next one (round robin)."""
    with tempfile.NamedTemporaryFile("w", suffix=".lua") as script:
        script.write(LUA % (", ".join(f'"{h}"' for h in hosts), path))
        script.flush()
        cmd = ["wrk", "-t1", "-c4", f"-d{seconds}s", "-s", script.name, f"http://127.0.0.1:{port}{path}"]
        out = subprocess.run(cmd, capture_output=True, text=True, check=True, timeout=seconds + 30).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    non2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    sockets = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    errors = (int(non2xx.group(1)) if non2xx else 0) + (sum(map(int, sockets.groups())) if sockets else 0)
    return rps, errors


# gunicorn servers, side by side, each with deploy/gunicorn.conf.py and 2 sync workers (port offset, settings).
SERVERS = {
    "minimal": (0, "bench.minimal_settings"),
    "product": (1, "bench.storefront_settings"),
    "no throttles": (2, "bench.storefront_nothrottle"),
    "no page cache": (3, "bench.storefront_nopagecache"),
}
REFERENCE = "plain (minimal Django)"
GOALS = {"list": 0.30, "detail (product page)": 0.40}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=int, default=6, help="seconds per measurement (default 6)")
    parser.add_argument("--rounds", type=int, default=3, help="interleaved rounds; the median is reported")
    parser.add_argument("--port", type=int, default=8300)
    parser.add_argument("--shops", type=int, default=200)
    args = parser.parse_args()
    if not shutil.which("pg_dump") or not shutil.which("psql"):
        sys.exit("pg_dump and psql are needed to copy shop schemas (apt-get install postgresql-client).")
    ensure_wrk()
    hosts, product_id = prepare_data(args.shops)
    from django.conf import settings

    root = settings.ROOT_DOMAIN
    log = ROOT / ".data" / "logs" / "bench-storefront-gunicorn.log"
    log.parent.mkdir(parents=True, exist_ok=True)
    list_path = "/api/v1/store/products?page_size=20"
    detail_path = f"/p/{product_id}"
    cases = [
        (REFERENCE, "minimal", "/plain", [root]),
        ("plain (project middleware)", "product", "/bench/plain", [root]),
        ("list", "product", list_path, hosts[:1]),
        ("detail (product page)", "product", detail_path, hosts[:1]),
        ("list 10 shops", "product", list_path, hosts[:10]),
        (f"list {len(hosts)} shops", "product", list_path, hosts),
        ("list, throttles off", "no throttles", list_path, hosts[:1]),
        ("detail, page cache off", "no page cache", detail_path, hosts[:1]),
    ]
    servers = {}
    try:
        for name, (offset, settings_module) in SERVERS.items():
            env = django_env(settings_module, WEB_CONCURRENCY="2")
            servers[name] = Gunicorn(env, args.port + offset, log)
        for name, server in servers.items():
            server.wait_ready(root if name == "minimal" else hosts[0])
        load_before = os.getloadavg()[0]
        for _name, server, path, shop_hosts in cases:  # warm caches and connections on every host
            run_wrk(servers[server].port, path, shop_hosts, max(2, len(shop_hosts) // 40))
        results: dict[str, list[float]] = {name: [] for name, *_ in cases}
        for _ in range(args.rounds):
            for name, server, path, shop_hosts in cases:
                rps, errors = run_wrk(servers[server].port, path, shop_hosts, args.seconds)
                if errors:
                    raise SystemExit(f"{name}: {errors} errors/non-2xx responses; see {log}")
                results[name].append(rps)
    finally:
        for server in servers.values():
            server.stop()

    medians = {name: statistics.median(values) for name, values in results.items()}

    def ratio(name: str, base: str = REFERENCE) -> float:
        """Median over rounds of this round's ratio: neighbours in time share the machine's load."""
        return statistics.median(a / b for a, b in zip(results[name], results[base], strict=True))

    now = datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC")
    print(f"\nStorefront benchmark — {now}\nmachine: {machine()}")
    print(f"{len(hosts)} shops x {PRODUCTS} products; wrk -t1 -c4 -d{args.seconds}s, {args.rounds} interleaved rounds")
    print(f"1-min load average before / after: {load_before:.2f} / {os.getloadavg()[0]:.2f}\n")
    print(f"| {'case':<28} | {'req/s':>7} | {'x minimal':>9} | req/s per round |")
    print(f"|{'-' * 30}|{'-' * 9}|{'-' * 11}|-----------------|")
    for name, values in results.items():
        rounds = " ".join(f"{v:.0f}" for v in values)
        print(f"| {name:<28} | {medians[name]:>7.0f} | {ratio(name):>9.2f} | {rounds} |")
    print("\nratios are medians of per-round ratios against the minimal Django app")
    for name, goal in GOALS.items():
        value = ratio(name)
        print(f"{name} / minimal = {value:.2f} (goal >= {goal:.2f}: {'met' if value >= goal else 'NOT met'})")
    print(f"list with throttles / without = {ratio('list', 'list, throttles off'):.2f}")
    print(f"product page cached / rendered = {ratio('detail (product page)', 'detail, page cache off'):.2f}")
    many = ratio(f"list {len(hosts)} shops", "list 10 shops")
    print(f"list {len(hosts)} shops / 10 shops = {many:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
