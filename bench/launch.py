"""Launch benchmark: signup → first 200 of the new storefront home showing a demo product.

    .venv/bin/python bench/launch.py [--signups 30] [--slow 8] [--in-process 10]

On a database of its own (mm_bench_launch, dropped and recreated each run) and gunicorn with the real
config (deploy/gunicorn.conf.py) on 127.0.0.1:8401, it measures, sequentially:
  1. warm pool: N signups over HTTP (POST /api/v1/signup on the platform host, then GET / on the new
     shop's host until it answers 200 with one of the template's demo products), pool pre-filled;
  2. empty pool over HTTP: the same, each signup migrating its schema in the request;
  3. in process, provisioning alone: provision_shop (claims a spare + loads the demo catalog) vs
     django-tenants' migrate-on-create (create_shop_with_migrations) + the same demo catalog load.
Throttles are raised through the environment (THROTTLE_SIGNUP); nothing but loopback is contacted.
"""

import argparse
import http.client
import json
import os
import shutil
import statistics
import sys
import time
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

PORT = int(os.environ.get("BENCH_LAUNCH_PORT", "8401"))
TEMPLATES = ("beauty", "fresh", "baby")
WARMUP = 2  # one signup per gunicorn worker first: imports, theme engines, migration graph
MEDIA_ROOT = os.environ.get("BENCH_LAUNCH_MEDIA_ROOT", "/tmp/mm-bench-launch-media")


def server_env() -> dict:
    from bench._common import django_env

    return django_env(
        "bench.launch_settings",
        DEBUG="0",
        THROTTLE_SIGNUP="100000/min",
        THROTTLE_ANON="100000/min",
        SPARE_POOL_REFILL_ON_CLAIM="0",
        REDIS_URL=os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/8"),
        WEB_CONCURRENCY="2",
        MEDIA_ROOT=MEDIA_ROOT,  # demo pictures of the bench shops stay out of the dev media folder
    )


def recreate_database() -> str:
    import psycopg2
    from django.conf import settings
    from django.db import connections
    from psycopg2 import sql

    connections.close_all()
    db = settings.DATABASES["default"]
    params = {
        "dbname": "postgres",
        "user": db["USER"],
        "password": db["PASSWORD"],
        "host": db["HOST"],
        "port": db["PORT"],
    }
    conn = psycopg2.connect(**{k: v for k, v in params.items() if v}, connect_timeout=5)
    conn.autocommit = True
    with conn.cursor() as cursor:
        cursor.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(db["NAME"])))
        cursor.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(db["NAME"])))
    conn.close()
    return db["NAME"]


def top_product_titles() -> dict[str, str]:
    """Per template, the demo product with the most sales: every launch theme's home shows it."""
    from shared_apps.gallery.themes import demo_catalog
    from themes.registry import get_theme

    titles = {}
    for slug in TEMPLATES:
        data, _ = demo_catalog(slug, get_theme(slug).version)
        titles[slug] = max(data["products"], key=lambda p: p["sales_count"])["title"]
    return titles


def request(method: str, host: str, path: str, body: dict | None = None) -> tuple[int, bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=60)
    try:
        headers = {"Host": host}
        payload = None
        if body is not None:
            payload = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        conn.request(method, path, body=payload, headers=headers)
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


def launch_one(n: int, prefix: str, titles: dict[str, str]) -> dict:
    """One signup, timed from the request to the first storefront 200 that shows a demo product."""
    template = TEMPLATES[n % len(TEMPLATES)]
    subdomain = f"{prefix}{n:03d}"
    body = {
        "email": f"{subdomain}@bench.example",
        "password": "Bench-Launch-2026!",
        "shop_name": f"Bench {n}",
        "subdomain": subdomain,
        "template": template,
    }
    started = time.perf_counter()
    status, content = request("POST", "localhost", "/api/v1/signup", body)
    signed_up = time.perf_counter()
    if status != 201:
        raise RuntimeError(f"signup {subdomain}: HTTP {status} {content[:300]!r}")
    host = f"{subdomain}.localhost"
    for _attempt in range(200):
        status, content = request("GET", host, "/")
        if status == 200 and titles[template] in content.decode():
            break
        time.sleep(0.01)
    else:
        raise RuntimeError(f"{host}: the storefront never showed {titles[template]!r}")
    done = time.perf_counter()
    return {"signup": signed_up - started, "total": done - started}


def summary(values: list[float]) -> dict:
    ordered = sorted(values)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return {"n": len(values), "p50": statistics.median(ordered), "p95": p95, "max": ordered[-1]}


def drain_pool() -> None:
    from shared_apps.tenancy.models import SpareSchema
    from shared_apps.tenancy.provisioning import drop_schema

    for spare in SpareSchema.objects.all():
        drop_schema(spare.schema_name)
        spare.delete()


def http_runs(signups: int, slow: int, titles: dict[str, str], log: Path) -> dict:
    from bench._common import Gunicorn
    from shared_apps.tenancy.provisioning import fresh_spare_count, top_up_pool

    print(f"==> filling the pool with {signups + WARMUP} spares…", flush=True)
    top_up_pool(target=signups + WARMUP)
    results = {}
    with Gunicorn(server_env(), PORT, log) as server:
        server.wait_ready("localhost")
        for n in range(WARMUP):
            launch_one(n, "w", titles)
        warm = [launch_one(n, "p", titles) for n in range(signups)]
        assert fresh_spare_count() == 0, "every signup should have claimed a spare"
        results["warm_pool"] = {k: summary([r[k] for r in warm]) for k in ("signup", "total")}
        drain_pool()
        cold = [launch_one(n, "m", titles) for n in range(slow)]
        results["empty_pool"] = {k: summary([r[k] for r in cold]) for k in ("signup", "total")}
    return results


def in_process(samples: int) -> dict:
    from django.contrib.auth import get_user_model

    from shared_apps.gallery.seeding import seed_shop
    from shared_apps.tenancy.provisioning import top_up_pool
    from shared_apps.tenancy.services import create_shop_with_migrations, provision_shop

    owner = get_user_model().objects.create(email="inprocess@bench.example")
    top_up_pool(target=samples)
    pool, migrate = [], []
    for n in range(samples):
        template = TEMPLATES[n % len(TEMPLATES)]
        started = time.perf_counter()
        provision_shop(name=f"P{n}", subdomain=f"ipool{n:03d}", owner=owner, template=template)
        pool.append(time.perf_counter() - started)
        started = time.perf_counter()
        shop = create_shop_with_migrations(name=f"M{n}", subdomain=f"imig{n:03d}", owner=owner, template=template)
        seed_shop(shop=shop, template=template)
        migrate.append(time.perf_counter() - started)
    return {"provision_shop (pool)": summary(pool), "create_shop_with_migrations + seed": summary(migrate)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--signups", type=int, default=30)
    parser.add_argument("--slow", type=int, default=8, help="signups over HTTP with an empty pool")
    parser.add_argument("--in-process", type=int, default=10, dest="in_process")
    args = parser.parse_args()

    from bench._common import machine, setup_django

    os.environ.update(server_env())
    setup_django("bench.launch_settings")
    from django.core.management import call_command

    from shared_apps.gallery.services import sync_templates
    from shared_apps.tenancy.provisioning import code_migrations

    name = recreate_database()
    shutil.rmtree(MEDIA_ROOT, ignore_errors=True)
    print(f"==> database {name}: migrating the public schema…", flush=True)
    call_command("migrate_schemas", shared=True, interactive=False, verbosity=0)
    sync_templates()
    titles = top_product_titles()
    log = Path("/tmp/bench-launch-gunicorn.log")
    report = {
        "machine": machine(),
        "tenant_migrations": len(code_migrations()),
        "signups": args.signups,
    }
    report["http"] = http_runs(args.signups, args.slow, titles, log)
    print("==> in process: pool vs migrate-on-create…", flush=True)
    report["in_process"] = in_process(args.in_process)
    print(json.dumps(report, indent=2, ensure_ascii=False, default=lambda v: round(v, 4)))
    print_markdown(report)


def ms(value: float) -> str:
    return f"{value * 1000:.0f} ms"


def print_markdown(report: dict) -> None:
    print("\n| run | n | p50 | p95 | max |\n|---|---|---|---|---|")
    for key, runs in report.items():
        if key == "http":
            for pool, stats in runs.items():
                for stage, s in stats.items():
                    what = "signup response" if stage == "signup" else "signup → storefront 200"
                    label = f"HTTP · {pool} · {what}"
                    print(f"| {label} | {s['n']} | {ms(s['p50'])} | {ms(s['p95'])} | {ms(s['max'])} |")
    for label, s in report["in_process"].items():
        print(f"| in process · {label} | {s['n']} | {ms(s['p50'])} | {ms(s['p95'])} | {ms(s['max'])} |")


if __name__ == "__main__":
    main()
