"""Routing benchmark: what does host -> shop routing cost per request?

    .venv/bin/python bench/routing.py [--seconds 6] [--rounds 3] [--requests 2000] [--port 8150] [--no-stock]

One run, one gunicorn config (deploy/gunicorn.conf.py, WEB_CONCURRENCY=2 sync workers), loopback only:
  plain    /bench/plain on the platform host (no shop, no query)
  noquery  /bench/noquery on a shop host (routing only)
  rows     /bench/rows on a shop host (routing + 20 members.Member rows from the shop schema)
then, with a settings override, django-tenants' stock TenantMainMiddleware on the same shop URL (with our
database settings, and "naive": no persistent connections, SET search_path on every cursor). Every server
runs side by side on ports --port, +1, +2. Then the same cases in process (no HTTP) for CPU per request.
Data lives in its own database (BENCH_DATABASE_NAME, default mm_bench) on the server DATABASE_URL names.
"""

import argparse
import datetime
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path[:0] = [str(Path(__file__).resolve().parents[1]), str(Path(__file__).resolve().parents[1] / "platform")]

from bench._common import ROOT, Gunicorn, django_env, ensure_database, ensure_wrk, machine, setup_django, wrk  # noqa: E402

BENCH_SUBDOMAIN = "bench"
BENCH_SCHEMA = "bench_shop"
ROWS = 20


def prepare_data() -> tuple[str, str]:
    """Migrate mm_bench, create the bench shop and its member rows once; returns (shop host, platform host)."""
    setup_django()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django_tenants.utils import tenant_context

    from shared_apps.tenancy.models import Shop
    from shared_apps.tenancy.services import create_shop_record
    from tenant_apps.members.models import Member

    name = ensure_database()
    print(f"==> Preparing database {name} (准备测试数据)", flush=True)
    call_command("migrate_schemas", shared=True, interactive=False, verbosity=0)
    shop = Shop.objects.filter(subdomain=BENCH_SUBDOMAIN).first()
    if shop is None:
        shop = create_shop_record(name="Bench", subdomain=BENCH_SUBDOMAIN, owner=None, schema_name=BENCH_SCHEMA)
    shop.create_schema(check_if_exists=True, verbosity=0)
    call_command("migrate_schemas", schema_name=shop.schema_name, interactive=False, verbosity=0)
    with tenant_context(shop):
        missing = ROWS + 5 - Member.objects.count()
        Member.objects.bulk_create(
            Member(email=f"bench{n}@example.com", nickname=f"bench {n}", password="!") for n in range(max(0, missing))
        )
    connection.close()
    return f"{BENCH_SUBDOMAIN}.{settings.ROOT_DOMAIN}", settings.ROOT_DOMAIN


def inprocess_child(stock: str, cases: list[tuple[str, str, str]], requests: int) -> None:
    """In one process, no HTTP: CPU and wall time per request through Django's WSGI handler (prints JSON)."""
    import io
    import json

    os.environ["BENCH_STOCK"] = stock
    setup_django()
    from django.core.handlers.wsgi import WSGIHandler

    app = WSGIHandler()

    def call(host: str, path: str) -> None:
        environ = {
            "REQUEST_METHOD": "GET",
            "PATH_INFO": path,
            "SCRIPT_NAME": "",
            "QUERY_STRING": "",
            "SERVER_NAME": host,
            "SERVER_PORT": "80",
            "SERVER_PROTOCOL": "HTTP/1.1",
            "HTTP_HOST": host,
            "wsgi.input": io.BytesIO(b""),
            "wsgi.url_scheme": "http",
            "wsgi.errors": sys.stderr,
        }
        status = []
        response = app(environ, lambda s, _h: status.append(s))
        b"".join(response)
        response.close()
        assert status[0].startswith("200"), (path, status)

    out = {}
    for name, host, path in cases:
        for _ in range(200):
            call(host, path)
        cpu, wall = time.process_time(), time.perf_counter()
        for _ in range(requests):
            call(host, path)
        out[name] = ((time.process_time() - cpu) / requests * 1e6, (time.perf_counter() - wall) / requests * 1e6)
    print(json.dumps(out))


def inprocess(variants: list[tuple[str, str, list[tuple[str, str, str]]]], requests: int) -> dict[str, tuple]:
    import json

    results = {}
    for _label, stock, cases in variants:
        args = [sys.executable, __file__, "--child", stock, "--requests", str(requests), json.dumps(cases)]
        out = subprocess.run(args, check=True, capture_output=True, text=True, env=django_env(BENCH_STOCK=stock))
        results.update(json.loads(out.stdout.strip().splitlines()[-1]))
    return results


def measure(targets: list[tuple[str, int, str, str]], seconds: int, rounds: int) -> dict[str, list[float]]:
    """Warm each URL, then `rounds` interleaved passes; every response must be a 2xx."""
    for _name, port, host, path in targets:
        wrk(f"http://127.0.0.1:{port}{path}", host, 1)
    results: dict[str, list[float]] = {name: [] for name, *_rest in targets}
    for _ in range(rounds):
        for name, port, host, path in targets:
            result = wrk(f"http://127.0.0.1:{port}{path}", host, seconds)
            if result.errors:
                raise SystemExit(f"{name}: {result.errors} errors/non-2xx responses; see the gunicorn log")
            results[name].append(result.rps)
    return results


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=int, default=6, help="seconds per measurement (default 6)")
    parser.add_argument("--rounds", type=int, default=3, help="interleaved rounds; the median is reported")
    parser.add_argument("--port", type=int, default=8150)
    parser.add_argument("--no-stock", action="store_true", help="skip the django-tenants stock middleware runs")
    parser.add_argument("--requests", type=int, default=2000, help="requests per case for the in-process timing")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("cases", nargs="?", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child is not None:
        import json

        inprocess_child(args.child, json.loads(args.cases), args.requests)
        return 0

    ensure_wrk()
    shop_host, root_domain = prepare_data()
    log = ROOT / ".data" / "logs" / "bench-gunicorn.log"
    log.parent.mkdir(parents=True, exist_ok=True)
    workers = "2"

    # All servers run side by side and every round visits every case, so load from other work on the
    # machine (a shared 2-core box) hits each case alike; idle gunicorn workers cost nothing.
    servers = [("ours", "", args.port)]
    if not args.no_stock:
        servers += [("stock", "1", args.port + 1), ("stock-naive", "naive", args.port + 2)]
    targets = []
    running: list[Gunicorn] = []
    print(f"==> gunicorn -c deploy/gunicorn.conf.py, {workers} sync workers each, 127.0.0.1:{args.port}+", flush=True)
    try:
        for label, stock, port in servers:
            env = django_env(WEB_CONCURRENCY=workers, BENCH_STOCK=stock)
            running.append(Gunicorn(env, port, log))
            running[-1].wait_ready(shop_host)
            if label == "ours":
                targets += [
                    ("plain", port, root_domain, "/bench/plain"),
                    ("noquery", port, shop_host, "/bench/noquery"),
                    ("rows", port, shop_host, "/bench/rows"),
                ]
            else:
                targets += [
                    (f"{label} noquery", port, shop_host, "/bench/noquery"),
                    (f"{label} rows", port, shop_host, "/bench/rows"),
                ]
        load_before = os.getloadavg()[0]
        results = measure(targets, args.seconds, args.rounds)
    finally:
        for server in running:
            server.stop()

    # In-process timing: CPU spent in the Django process per request, hardly moved by other load on the box.
    variants = [("ours", "", [(n, h, p) for n, port, h, p in targets if port == args.port])]
    for label, stock, port in servers[1:]:
        variants.append((label, stock, [(n, h, p) for n, tport, h, p in targets if tport == port]))
    timing = inprocess(variants, args.requests)

    medians = {name: statistics.median(values) for name, values in results.items()}
    # Ratios pair each case with the plain run of the same round (closest in time), then take the median.
    ratios = {
        name: statistics.median(v / p for v, p in zip(values, results["plain"], strict=True))
        for name, values in results.items()
    }
    now = datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC")
    print(f"\nRouting benchmark — {now}\nmachine: {machine()}")
    print(f"HTTP: wrk -t1 -c4 -d{args.seconds}s per case, {args.rounds} interleaved rounds; median requests/s,")
    print("      ratio = median over rounds of (case / plain in the same round)")
    print(f"in-process: {args.requests} requests per case through Django's WSGI handler, no HTTP;")
    print("      CPU × plain = plain's CPU per request / the case's (1.00 = routing costs nothing)")
    print(f"1-min load average before / after: {load_before:.2f} / {os.getloadavg()[0]:.2f}\n")
    head = f"| {'case':<20} | {'req/s':>7} | {'× plain':>7} | {'CPU µs/req':>10} | {'CPU × plain':>11} |"
    print(f"{head} {'wall µs/req':>11} | rounds (req/s) |")
    print(f"|{'-' * 22}|{'-' * 9}|{'-' * 9}|{'-' * 12}|{'-' * 13}|{'-' * 13}|----------------|")
    cpu_plain = timing["plain"][0]
    for name, values in results.items():
        rounds = " ".join(f"{v:.0f}" for v in values)
        cpu, wall = timing[name]
        row = f"| {name:<20} | {medians[name]:>7.0f} | {ratios[name]:>7.2f} | {cpu:>10.0f} | {cpu_plain / cpu:>11.2f} |"
        print(f"{row} {wall:>11.0f} | {rounds} |")
    goal = ratios["noquery"]
    print(f"\nshop-routed no-query / plain = {goal:.2f} (goal ≥ 0.60: {'met' if goal >= 0.6 else 'NOT met'})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
