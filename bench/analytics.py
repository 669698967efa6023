"""Data-centre benchmark: storefront product-page throughput with event collection on vs off.

    .venv/bin/python bench/analytics.py [--seconds 3] [--rounds 3] [--pairs 15] [--block 200] [--port 8340]

Two gunicorns side by side (deploy/gunicorn.conf.py, WEB_CONCURRENCY=2 sync workers, the product's settings
with throttles on), identical but for ANALYTICS_COLLECT=1 / 0, against the storefront benchmark's data
(bench/storefront.py prepare_data: one shop, 1,000 products). wrk -t1 -c4 on GET /p/<id> (the whole-page
cache serves it, the common case), interleaved rounds, medians. Every request comes without cookies, so with
collection on each one is a *new* visitor: an id is made, a Set-Cookie header sent and one event buffered
(RPUSH + SADD in one pipelined Redis round trip): the worst case. Goal: the "on" server keeps >= 95% of the
"off" server's requests/s. The buffered events are deleted afterwards (no Celery flush runs here).
"""

import argparse
import datetime
import os
import re
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path[:0] = [str(Path(__file__).resolve().parents[1]), str(Path(__file__).resolve().parents[1] / "platform")]
os.environ.setdefault("BENCH_DATABASE_NAME", "mm_bench_storefront")

from bench._common import ROOT, Gunicorn, django_env, ensure_wrk, machine  # noqa: E402
from bench.storefront import prepare_data  # noqa: E402

GOAL = 0.95
LUA = """
local i = 0
request = function()
  i = i + 1
  local n = i %% 5000
  local xff = string.format("10.0.%%d.%%d", math.floor(n / 250), n %% 250 + 1)
  local headers = {["Host"] = "%s", ["X-Forwarded-For"] = xff}
  %s
  return wrk.format("GET", "%s", headers)
end
"""
# returning visitors: 5,000 browsers that already have their visitor cookie
RETURNING = 'headers["Cookie"] = string.format("mm_vid=bench-returning-%%06d", n)'


def run_wrk(port: int, path: str, host: str, seconds: int, returning: bool) -> tuple[float, int]:
    with tempfile.NamedTemporaryFile("w", suffix=".lua") as script:
        script.write(LUA % (host, RETURNING if returning else "", path))
        script.flush()
        cmd = ["wrk", "-t1", "-c4", f"-d{seconds}s", "-s", script.name, f"http://127.0.0.1:{port}{path}"]
        out = subprocess.run(cmd, capture_output=True, text=True, check=True, timeout=seconds + 30).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    non2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    return rps, int(non2xx.group(1)) if non2xx else 0


def in_process(host: str, path: str, pairs: int, block: int) -> dict[str, list[float]]:
    """Ratios on/off of Django's WSGI handler called directly (what gunicorn calls, minus sockets and HTTP
    parsing, which cost the same either way: so this is an upper bound of the relative cost). On and off
    alternate in blocks of `block` requests, `pairs` times per case: each ratio compares neighbours in time,
    so the load of a shared machine drifting between measurements cancels out."""
    import io
    import time

    from django.core.handlers.wsgi import WSGIHandler
    from django.test.utils import override_settings

    handler = WSGIHandler()

    def environ(cookie: str) -> dict:
        env = {"REQUEST_METHOD": "GET", "PATH_INFO": path, "QUERY_STRING": "", "SERVER_NAME": host,
               "SERVER_PORT": "80", "HTTP_HOST": host, "wsgi.url_scheme": "http", "wsgi.input": io.BytesIO(b""),
               "HTTP_X_FORWARDED_FOR": "10.0.0.1", "REMOTE_ADDR": "127.0.0.1"}  # fmt: skip
        if cookie:
            env["HTTP_COOKIE"] = cookie
        return env

    def seconds(on: bool, cookie: str) -> float:
        with override_settings(ANALYTICS_COLLECT=on):
            started = time.perf_counter()
            for _ in range(block):
                response = handler(environ(cookie), lambda status, headers: None)
                b"".join(response)
                response.close()
            return time.perf_counter() - started

    seconds(True, "")  # warm the page cache and the pusher thread
    ratios: dict[str, list[float]] = {}
    for _ in range(pairs):
        for visitors, cookie in (("new visitors", ""), ("returning visitors", "mm_vid=bench-returning-000001")):
            off, on = seconds(False, cookie), seconds(True, cookie)
            ratios.setdefault(visitors, []).append(off / on)  # throughput on / throughput off
    from tenant_apps.analytics.collect import push_pending

    push_pending()
    return ratios


def report(title: str, results: dict[tuple[str, str], list[float]]) -> None:
    print(f"\n{title}\n\n| visitors | collection | req/s (median) | req/s per round |\n|---|---|---|---|")
    for (visitors, name), values in results.items():
        print(f"| {visitors} | {name} | {statistics.median(values):.0f} | {' '.join(f'{v:.0f}' for v in values)} |")
    print()
    for visitors in ("new visitors", "returning visitors"):
        on, off = results[(visitors, "collection on")], results[(visitors, "collection off")]
        ratio = statistics.median(a / b for a, b in zip(on, off, strict=True))
        verdict = "met" if ratio >= GOAL else "NOT met"
        print(f"{visitors}: on / off = {ratio:.3f} (median of per-round ratios; goal >= {GOAL}: {verdict})")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=int, default=3, help="seconds per wrk measurement (default 3)")
    parser.add_argument("--rounds", type=int, default=3, help="interleaved rounds; medians are reported")
    parser.add_argument("--port", type=int, default=8340)
    parser.add_argument("--pairs", type=int, default=15, help="in-process on/off pairs per case (default 15)")
    parser.add_argument("--block", type=int, default=200, help="in-process requests per block (default 200)")
    args = parser.parse_args()
    ensure_wrk()
    hosts, product_id = prepare_data(1)  # also sets Django up with bench.settings (REDIS_URL as given)
    log = ROOT / ".data" / "logs" / "bench-analytics-gunicorn.log"
    log.parent.mkdir(parents=True, exist_ok=True)
    path = f"/p/{product_id}"
    servers = {
        "collection on": Gunicorn(django_env("bench.storefront_settings", WEB_CONCURRENCY="2", ANALYTICS_COLLECT="1"),
                                  args.port, log),
        "collection off": Gunicorn(django_env("bench.storefront_settings", WEB_CONCURRENCY="2", ANALYTICS_COLLECT="0"),
                                   args.port + 1, log),
    }  # fmt: skip
    cases = [(visitors, name) for visitors in ("new visitors", "returning visitors") for name in servers]
    results: dict[tuple[str, str], list[float]] = {case: [] for case in cases}
    try:
        for server in servers.values():
            server.wait_ready(hosts[0])
        load_before = os.getloadavg()[0]
        for server in servers.values():
            run_wrk(server.port, path, hosts[0], 2, False)  # warm: page cache, connections
        for _ in range(args.rounds):
            for visitors, name in cases:
                rps, errors = run_wrk(servers[name].port, path, hosts[0], args.seconds, visitors != "new visitors")
                if errors:
                    raise SystemExit(f"{name}: {errors} errors/non-2xx responses; see {log}")
                results[(visitors, name)].append(rps)
    finally:
        for server in servers.values():
            server.stop()
        from django.core.cache import cache
        from django_redis import get_redis_connection

        from tenant_apps.analytics.collect import buffer_key, shops_key

        buffered = get_redis_connection("default").llen(buffer_key("sfb_000"))
        get_redis_connection("default").delete(buffer_key("sfb_000"), shops_key())
        cache.close()

    load_mid = os.getloadavg()[0]
    local = in_process(hosts[0], path, args.pairs, args.block)
    get_redis_connection("default").delete(buffer_key("sfb_000"), shops_key())
    now = datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC")
    print(f"\nData-centre collection benchmark — {now}\nmachine: {machine()}")
    loads = f"{load_before:.2f} / {load_mid:.2f} / {os.getloadavg()[0]:.2f}"
    print(f"GET {path} (page cache hit); 1-min load average before / between / after: {loads}")
    print(f"events buffered by the 'on' gunicorn: {buffered}")
    report(f"gunicorn (2 sync workers) + wrk -t1 -c4 -d{args.seconds}s, {args.rounds} interleaved rounds", results)
    print(f"\nin process (Django's WSGI handler), {args.pairs} alternating on/off pairs of {args.block} requests\n")
    for visitors, values in local.items():
        ratio = statistics.median(values)
        quartiles = statistics.quantiles(values, n=4)
        verdict = "met" if ratio >= GOAL else "NOT met"
        print(f"{visitors}: on / off = {ratio:.3f} (median; quartiles {quartiles[0]:.3f} .. {quartiles[2]:.3f}; "
              f"goal >= {GOAL}: {verdict})")  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
