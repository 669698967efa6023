"""CPU per order placement, in one process: the measure that a shared, noisy machine cannot blur.

    BENCH_DATABASE_NAME=mm_bench_flash .venv/bin/python bench/order_cpu.py [--orders 300] [--batches 5]
        [--profile out.prof] [--queries]

The flash-sale bench's database and shop (bench/flash_sale.py prepares it the same way), the product's settings
(bench.storefront_settings, DEBUG off), and the whole Django stack: each order is one `POST /api/v1/store/orders`
handed to the WSGI application (middleware, host routing, token auth, throttle, DRF, the service, the JSON
answer), one buyer after another with ample stock. Measured per batch: this process's CPU (user + system) and
the PostgreSQL backend's CPU (from /proc/<backend pid>/stat: same machine), divided by the orders; SQL
statements per order. The minimum over batches is the figure least disturbed by the other work on the machine.
"""

import argparse
import cProfile
import io
import json
import os
import sys
import time
from pathlib import Path

sys.path[:0] = [str(Path(__file__).resolve().parents[1]), str(Path(__file__).resolve().parents[1] / "platform")]
os.environ.setdefault("BENCH_DATABASE_NAME", "mm_bench_flash")
os.environ.setdefault("SECRET_KEY", "bench-order-cpu-not-a-secret-" + "x" * 40)

from bench.flash_sale import order_body, prepare, reset_sale  # noqa: E402


def backend_cpu(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--orders", type=int, default=300, help="orders per batch")
    parser.add_argument("--batches", type=int, default=5)
    parser.add_argument("--buyers", type=int, default=200)
    parser.add_argument("--profile", help="write a cProfile of one extra batch to this file")
    parser.add_argument("--queries", action="store_true", help="print the SQL of one order")
    args = parser.parse_args()
    host, sku_id, buyers = prepare(args.buyers)

    from django.core.handlers.wsgi import WSGIHandler
    from django.db import connection

    reset_sale(sku_id, 10**7)
    app = WSGIHandler()

    def environ(token: str, body: bytes) -> dict:
        return {
            "REQUEST_METHOD": "POST",
            "PATH_INFO": "/api/v1/store/orders",
            "QUERY_STRING": "",
            "SERVER_NAME": host,
            "SERVER_PORT": "80",
            "HTTP_HOST": host,
            "REMOTE_ADDR": "127.0.0.1",
            "HTTP_AUTHORIZATION": f"Bearer {token}",
            "CONTENT_TYPE": "application/json",
            "CONTENT_LENGTH": str(len(body)),
            "wsgi.input": io.BytesIO(body),
            "wsgi.url_scheme": "http",
            "wsgi.errors": sys.stderr,
            "SERVER_PROTOCOL": "HTTP/1.1",
        }

    bodies = [(token, order_body(sku_id, address)) for token, address in buyers]
    statuses: dict[str, int] = {}

    def place(n: int) -> None:
        for i in range(n):
            token, body = bodies[i % len(bodies)]
            started: list[str] = []
            response = app(environ(token, body), lambda status, headers, seen=started: seen.append(status))
            b"".join(response)
            response.close()
            statuses[started[0][:3]] = statuses.get(started[0][:3], 0) + 1

    place(20)  # warm: connection, routing cache, snapshots, imports
    if os.environ.get("BENCH_GC_FREEZE"):
        import gc

        gc.freeze()
    gc_ms = [0.0]
    if os.environ.get("BENCH_GC_TIME"):
        import gc

        gc_started = [0.0]

        def gc_timer(phase, info):
            if phase == "start":
                gc_started[0] = time.process_time()
            else:
                gc_ms[0] += (time.process_time() - gc_started[0]) * 1000

        gc.callbacks.append(gc_timer)
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        (backend,) = cursor.fetchone()

    statements: list[str] = []

    def count(execute, sql, params, many, context):
        statements.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        place(1)
    if args.queries:
        import psycopg2.extensions

        class Logged(psycopg2.extensions.cursor):  # every statement on the wire, the raw ones too
            def execute(self, sql, params=None):
                print("    wire:", (sql if isinstance(sql, str) else sql.as_string(self))[:150].replace("\n", " "))
                return super().execute(sql, params)

        connection.connection.cursor_factory = Logged
        place(1)
        connection.connection.cursor_factory = psycopg2.extensions.cursor

    results = []
    for _ in range(args.batches):
        cpu, db, wall = time.process_time(), backend_cpu(backend), time.perf_counter()
        place(args.orders)
        results.append(
            (
                (time.process_time() - cpu) * 1000 / args.orders,
                (backend_cpu(backend) - db) * 1000 / args.orders,
                (time.perf_counter() - wall) * 1000 / args.orders,
            )
        )
    if args.profile:
        profiler = cProfile.Profile(time.process_time)
        profiler.runcall(place, args.orders)
        profiler.dump_stats(args.profile)
    reset_sale(sku_id, 0)
    web = sorted(r[0] for r in results)
    db = sorted(r[1] for r in results)
    print(
        json.dumps(
            {
                "statuses": statuses,
                "queries_per_order": len(statements),
                "web_cpu_ms_per_order": {"min": round(web[0], 2), "median": round(web[len(web) // 2], 2)},
                "db_cpu_ms_per_order": {"min": round(db[0], 2), "median": round(db[len(db) // 2], 2)},
                "wall_ms_per_order": round(min(r[2] for r in results), 2),
                "load_average": os.getloadavg()[0],
                "gc_ms_total": round(gc_ms[0], 1),
            }
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
