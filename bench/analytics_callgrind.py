"""Data-centre collection's CPU per request in instructions (callgrind), not time: collection on minus off.

    nice -n 19 .venv/bin/python bench/analytics_callgrind.py [--requests 1000] [--warm 250] [--batch 250]

Instruction counts do not move with the rest of the machine's load, so this runs at the lowest priority beside
other work (valgrind is run under `nice -n 19` here too) and can tell apart changes of 1% that the HTTP
throughput runs (bench/analytics.py, ±4% between runs) cannot.

Two gunicorns one after the other (bench/gunicorn_callgrind.conf.py: deploy/gunicorn.conf.py with ONE sync
worker; bench.callgrind_settings; the storefront bench's data: bench/storefront.py prepare_data), each under
`valgrind --tool=callgrind --separate-threads=yes`, identical but for ANALYTICS_COLLECT=1/0. Per server:
`--warm` requests per case, then for each case the worker's counters are zeroed (CALLGRIND_ZERO_STATS, on a
signal), `--requests` sequential GET /p/<id> are sent (a whole-page-cache hit, rotating X-Forwarded-For), and
the counters dumped (CALLGRIND_DUMP_STATS): the instructions (Ir) per request, per thread (the request thread,
the analytics pusher thread). Cases: new visitors (no cookie: an id and a Set-Cookie per request) and
returning visitors (5,000 browsers with a valid `mm_vid`).

The pusher pushes every `--batch` events (ANALYTICS_LOCAL_BUFFER; ANALYTICS_LOCAL_SECONDS is an hour), so each
run pushes the same batches whatever valgrind's speed; at the production default (2,000 events or 2 s) a
worker serving 125-250 pages/s pushes 250-500 per batch. The worker's file descriptors stay the bench's own
database (BENCH_DATABASE_NAME) and Redis (REDIS_URL); the events the 'on' server buffered are deleted after.
"""

import argparse
import glob
import http.client
import os
import re
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path[:0] = [str(Path(__file__).resolve().parents[1]), str(Path(__file__).resolve().parents[1] / "platform")]
os.environ.setdefault("BENCH_DATABASE_NAME", "mm_bench_storefront")

from bench._common import BIN, ROOT, django_env  # noqa: E402
from bench.storefront import prepare_data  # noqa: E402

CASES = ("new visitors", "returning visitors")


def children(pid: int) -> list[int]:
    found = []
    for stat in glob.glob("/proc/[0-9]*/stat"):
        try:
            text = Path(stat).read_text()
        except OSError:
            continue
        if int(text.rsplit(")", 1)[1].split()[1]) == pid:
            found.append(int(stat.split("/")[2]))
    return found


def get(port: int, host: str, path: str, n: int, returning: bool) -> int:
    headers = {"Host": host, "X-Forwarded-For": f"10.0.{n % 5000 // 250}.{n % 250 + 1}"}
    if returning:
        headers["Cookie"] = f"mm_vid=bench-returning-{n % 5000:06d}"
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    conn.request("GET", path, headers=headers)
    response = conn.getresponse()
    response.read()
    conn.close()
    return response.status


CONTROL_C = """
#include <valgrind/callgrind.h>
void cg_zero(void) { CALLGRIND_ZERO_STATS; }
void cg_dump(void) { CALLGRIND_DUMP_STATS; }
"""
ZERO, DUMP, COLLECT_ON, COLLECT_OFF = (signal.SIGRTMIN + n for n in (1, 2, 3, 4))  # gunicorn_callgrind/_switch.conf.py


def build_control(out: Path) -> Path:
    """The library the worker calls to zero and dump its counters (valgrind's callgrind.h; gcc)."""
    source, lib = out / "cgcontrol.c", out / "cgcontrol.so"
    source.write_text(CONTROL_C)
    subprocess.run(["gcc", "-O1", "-shared", "-fPIC", "-o", str(lib), str(source)], check=True)
    return lib


def dump_files(prefix: Path, worker: int, before: set[str], threads: int) -> list[str]:
    """The files of a dump (one per thread, each written by its thread once it has handled the request)."""
    for _ in range(1200):
        found = sorted(set(glob.glob(f"{prefix}.{worker}.*")) - before)
        if len(found) >= threads and all("totals:" in Path(name).read_text()[-4000:] for name in found):
            return found
        time.sleep(0.5)
    raise SystemExit(f"no complete callgrind dump from worker {worker}")


def totals(files: list[str]) -> dict[str, int]:
    """{file's thread suffix: cost} of a dump's per-thread files: Ir, or with --cache-sim the estimated cycles
    (cycles())."""
    result = {}
    for name in files:
        text = Path(name).read_text()
        events = re.search(r"^events: (.+)$", text, re.M).group(1).split()
        found = re.search(r"^summary: (.+)$", text, re.M)
        counts = dict(zip(events, map(int, found.group(1).split()), strict=False)) if found else {}
        result[name.rsplit("-", 1)[1]] = cycles(counts) if "D1mr" in counts else counts.get("Ir", 0)
    return result


def cycles(counts: dict[str, int]) -> int:
    """callgrind_annotate's cycle estimation from the simulated caches: Ir + 10 x L1 misses + 100 x last-level
    misses (instruction and data): what more memory touched costs, which instruction counts alone do not show."""

    def count(event: str) -> int:
        return counts.get(event, 0)  # callgrind leaves trailing zero counts out of a summary line

    l1 = count("I1mr") + count("D1mr") + count("D1mw")
    last = count("ILmr") + count("DLmr") + count("DLmw")
    return count("Ir") + 10 * l1 + 100 * last


def start_server(label: str, collect: bool, args, host: str, out: Path, control_lib: Path, port: int):
    """(gunicorn under callgrind, its worker's pid, callgrind's file prefix)."""
    env = django_env(
        "bench.callgrind_settings",
        WEB_CONCURRENCY="1",
        ANALYTICS_COLLECT=str(int(collect)),
        ANALYTICS_LOCAL_BUFFER=str(args.batch),
        ANALYTICS_LOCAL_SECONDS="3600",
        PYTHONHASHSEED=str(args.seed),
        CALLGRIND_CONTROL_LIB=str(control_lib),
        PORT=str(port),
        GUNICORN_BIND=f"127.0.0.1:{port}",
    )
    prefix = out / f"cg-{label}"
    cache = ["--cache-sim=yes"] if args.cache_sim else []
    cmd = ["nice", "-n", "19", "valgrind", "--tool=callgrind", "--separate-threads=yes", *cache,
           f"--callgrind-out-file={prefix}.%p", str(BIN / "python"), str(BIN / "gunicorn"), "-c",
           "bench/gunicorn_callgrind.conf.py"]  # fmt: skip
    with open(out / f"gunicorn-{label}.log", "ab") as log:
        server = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    deadline = time.monotonic() + 600
    while True:
        if server.poll() is not None or time.monotonic() > deadline:
            stop(server)
            raise SystemExit(f"gunicorn ({label}) did not start; see {out}/gunicorn-{label}.log")
        try:
            if get(port, host, "/healthz", 0, False) == 200:
                break
        except OSError:
            time.sleep(1)
    [worker] = children(server.pid)
    return server, worker, prefix


def stop(server: subprocess.Popen) -> None:
    if server.poll() is None:
        os.killpg(server.pid, 15)
        server.wait(timeout=120)


def measure(worker: int, prefix: Path, port: int, host: str, path: str, case: str, requests: int, threads: int):
    """{thread: Ir} of `requests` page views of one case, between a zero and a dump of the worker's counters
    (`threads`: 2 once the pusher thread runs)."""
    os.kill(worker, ZERO)
    time.sleep(2)  # the pusher thread zeroes its own counters when woken
    for n in range(requests):
        assert get(port, host, path, n, case != "new visitors") == 200
    time.sleep(2)  # a push the last request started
    before = set(glob.glob(f"{prefix}.{worker}.*"))
    os.kill(worker, DUMP)
    return totals(dump_files(prefix, worker, before, threads))


def warm(port: int, host: str, path: str, count: int) -> None:
    for n in range(count):
        for returning in (False, True):
            assert get(port, host, path, n, returning) == 200
    time.sleep(2)  # the warm-up's last push


def two_servers(args, host: str, path: str, out: Path, control_lib: Path) -> dict:
    """{collect on?: {case: {thread: Ir}}}: one gunicorn with collection on, then one with it off."""
    figures = {}
    for on in (True, False):
        port = args.port + (0 if on else 1)
        server, worker, prefix = start_server("on" if on else "off", on, args, host, out, control_lib, port)
        try:
            warm(port, host, path, args.warm)
            figures[on] = {case: measure(worker, prefix, port, host, path, case, args.requests, 2 if on else 1)
                           for case in CASES}  # fmt: skip
            print(f"{'on' if on else 'off'}: {figures[on]}", flush=True)
        finally:
            stop(server)
    return figures


def one_worker(args, host: str, path: str, out: Path, control_lib: Path) -> dict:
    """The same figures from ONE worker whose collection is switched on and off between measurements (blocks of
    `--requests`, `--rounds` times, the order flipped every round): both sides share the process's memory layout,
    whose hash-table and cache collisions move a whole process's instructions per request by 1% or so."""
    figures = {on: {case: {} for case in CASES} for on in (True, False)}
    server, worker, prefix = start_server("one", True, args, host, out, control_lib, args.port)
    try:
        for on in (False, True):
            os.kill(worker, COLLECT_ON if on else COLLECT_OFF)
            warm(args.port, host, path, args.warm)
        for round_ in range(args.rounds):
            for case in CASES:
                for on in (True, False) if round_ % 2 == 0 else (False, True):
                    os.kill(worker, COLLECT_ON if on else COLLECT_OFF)
                    time.sleep(0.5)
                    got = measure(worker, prefix, args.port, host, path, case, args.requests, 2)
                    for thread, ir in got.items():
                        figures[on][case][thread] = figures[on][case].get(thread, 0) + ir
                    print(f"round {round_ + 1}, {case}, {'on' if on else 'off'}: {got}", flush=True)
    finally:
        stop(server)
    return figures


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--requests", type=int, default=1000, help="measured requests per case (default 1000)")
    parser.add_argument("--warm", type=int, default=250, help="warm-up requests per case (default 250)")
    parser.add_argument("--batch", type=int, default=250, help="ANALYTICS_LOCAL_BUFFER (default 250)")
    parser.add_argument("--port", type=int, default=8360)
    parser.add_argument("--seed", type=int, default=0, help="PYTHONHASHSEED of both servers (default 0)")
    parser.add_argument("--out", default="", help="directory for the callgrind files (default: a new temporary)")
    parser.add_argument("--one-worker", action="store_true", help="on and off in one worker, switched (see there)")
    parser.add_argument("--rounds", type=int, default=4, help="with --one-worker: on/off rounds (default 4)")
    parser.add_argument("--cache-sim", action="store_true",
                        help="simulate the caches: estimated cycles (Ir + 10 L1 + 100 LL misses)")  # fmt: skip
    args = parser.parse_args()
    hosts, product_id = prepare_data(1)
    path = f"/p/{product_id}"
    out = Path(args.out or tempfile.mkdtemp(prefix="an-callgrind-"))
    out.mkdir(parents=True, exist_ok=True)
    control_lib = build_control(out)
    if args.one_worker:
        figures = one_worker(args, hosts[0], path, out, control_lib)
        per = args.requests * args.rounds
    else:
        figures = two_servers(args, hosts[0], path, out, control_lib)
        per = args.requests

    from django_redis import get_redis_connection

    from tenant_apps.analytics.collect import buffer_key, shops_key

    get_redis_connection("default").delete(buffer_key("sfb_000"), shops_key())
    mode = f"one worker, {args.rounds} rounds of" if args.one_worker else "two servers,"
    print(f"\ncallgrind files: {out}; {mode} {args.requests} requests per case, pushes of {args.batch} events, "
          f"PYTHONHASHSEED={args.seed}\n")  # fmt: skip
    unit = "cycles (est.)" if args.cache_sim else "Ir"
    print(f"| visitors | off {unit}/request | on {unit}/request | on - off | request thread | pusher thread |")
    print("|---|---|---|---|---|---|")
    for case in CASES:
        off, on = figures[False][case], figures[True][case]
        main_off, main_on = off.get("01", 0), on.get("01", 0)
        pusher = sum(ir for thread, ir in on.items() if thread != "01") - sum(
            ir for thread, ir in off.items() if thread != "01"
        )
        total_off, total_on = sum(off.values()) / per, sum(on.values()) / per
        print(f"| {case} | {total_off:,.0f} | {total_on:,.0f} | {total_on - total_off:+,.0f} "
              f"({(total_on / total_off - 1) * 100:+.2f}%) | {(main_on - main_off) / per:+,.0f} "
              f"| {pusher / per:+,.0f} |")  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
