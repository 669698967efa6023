"""Data-centre benchmark: storefront product-page throughput with event collection on vs off, in the same run.

    .venv/bin/python bench/analytics.py [--seconds 1] [--rounds 40] [--pairs 15] [--block 300] [--port 8340]
        [--modes switched,split] (also: together, alternating, offcheck) [--restart-every 10]

Goal (issue 13): with collection on, the product page keeps >= 95% of its throughput with collection off.

1. HTTP: gunicorn with deploy/gunicorn.conf.py (WEB_CONCURRENCY=2 sync workers, the product's settings with
   throttles on) on the storefront benchmark's data (bench/storefront.py prepare_data: one shop, 1,000
   products); wrk -t1 on GET /p/<id> (a whole-page cache hit, the common case). Modes, each measured every round:
   - switched (default): ONE gunicorn (bench/gunicorn_switch.conf.py: the deploy config plus two signals that
     turn ANALYTICS_COLLECT on and off in its running workers), measured with collection on, then off (off
     then on in the next round). Both sides are the same worker processes: one memory layout, one hash seed.
   - split (default): the same server's two workers at the same time under one wrk (-c8), one collecting and
     one not, roles swapped halfway; each worker counts what it answered. Both sides see the same machine at
     every instant (see SPLIT).
   - together / alternating: two gunicorns identical but for ANALYTICS_COLLECT=1 / 0 (one PYTHONHASHSEED,
     drawn per run), loaded at the same time (one wrk -c4 each) or one after the other. Two processes differ
     by a few per cent from their memory layouts alone, fixed for a whole run, which is as large as the goal's
     margin: these modes cannot decide it (docs/benchmarks.md), and are kept to compare with earlier runs.
   - offcheck: the switched server held OFF against a server that never collected (see OFF_CHECK).
   The servers are started again with a new hash seed every `--restart-every` rounds: the rounds of one run
   move together (one 40-round run on one process gave 0.926 for new visitors where the other runs gave
   0.96-1.01), whether from the processes' layout or the machine's state; restarting samples more of both.
   The figure is the median over rounds of the in-round ratio on / off, with a distribution-free 95% interval;
   the verdict is "met" when the whole interval is at or above the goal. Two cases: new visitors (no cookie: an
   id is made and a Set-Cookie sent, the worst case) and returning visitors (5,000 browsers with their `mm_vid`
   cookie). Each measurement also reads the web workers' CPU (user + system, /proc) per request. Checked: the
   events buffered equal the requests answered with collection on (none while it is off).
2. In process, the same comparison through Django's WSGI handler (no sockets, no HTTP parsing, which cost the
   same either way, so the relative cost is larger here: an upper bound): blocks of `--block` requests with
   collection on and off alternating, `--pairs` times.
3. The collection's own cost per view: the @track_page decorator around a view that returns at once (best of
   7 x 20,000 calls), next to what a page-cache hit costs in process (best of 7 x 300).

The events buffered are deleted afterwards (no Celery flush runs here). The 1-minute load average is printed
with the figures: on a shared 2-core VM single rounds swing by 10-30%, so only many rounds say anything.
"""

import argparse
import datetime
import io
import math
import os
import random
import re
import signal
import statistics
import struct
import subprocess
import sys
import tempfile
import time
import timeit
from pathlib import Path

sys.path[:0] = [str(Path(__file__).resolve().parents[1]), str(Path(__file__).resolve().parents[1] / "platform")]
os.environ.setdefault("BENCH_DATABASE_NAME", "mm_bench_storefront")

from bench._common import ROOT, Gunicorn, django_env, ensure_wrk, machine  # noqa: E402
from bench.flash_sale import process_cpu_seconds, web_cpu_seconds, worker_pids  # noqa: E402
from bench.storefront import prepare_data  # noqa: E402

GOAL = 0.95
CASES = ("new visitors", "returning visitors")
MODES = ("switched", "split", "together", "alternating")  # the first two by default
DEFAULT_MODES = MODES[:2]
SWITCHED = "switched"
# A check, not in the default modes: the switched server held OFF (as "on") against the off server, one after the
# other. About 1.0 means the switched server carries no lasting cost from its time with collection on (nor from
# its idle pusher thread), so the switched mode's off side stands for a server that never collected.
OFF_CHECK = "offcheck"
# Two workers of the switched server at the same time, one with collection on and one off, under one wrk: both
# see the same machine at every instant (the drift between measurements, the largest noise on a shared VM, is
# common to both), and they are forks of one master (one memory layout). Each worker counts what it answered
# (bench/gunicorn_switch.conf.py); the scheduler shares the cores between them, so the ratio of their counts is
# the ratio of what a request costs them. The roles are swapped halfway (the figure is the geometric mean of the
# two halves), so a worker favoured by the accept queue favours neither side.
SPLIT = "split"
COLLECT_ON, COLLECT_OFF = signal.SIGRTMIN + 3, signal.SIGRTMIN + 4  # bench/gunicorn_switch.conf.py
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
# returning visitors: 5,000 browsers that already have their visitor cookie. One % only: this line goes into
# LUA as a value (not through the format), and Lua's "%%" is a literal "%": each browser would send the same
# invalid id "bench-returning-%06d" and be counted as a new visitor (as it was before 2026-12-03).
RETURNING = 'headers["Cookie"] = string.format("mm_vid=bench-returning-%06d", n)'
RETURNING_COOKIE = "mm_vid=bench-returning-000001"


def load() -> float:
    return os.getloadavg()[0]


def lua_script(host: str, path: str, returning: bool) -> str:
    return LUA % (host, RETURNING if returning else "", path)


def start_wrk(port: int, path: str, host: str, seconds: int, returning: bool, connections: int = 4) -> subprocess.Popen:
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(lua_script(host, path, returning))
    cmd = ["wrk", "-t1", f"-c{connections}", f"-d{seconds}s", "-s", script.name, f"http://127.0.0.1:{port}{path}"]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, text=True)
    proc.script = script.name
    return proc


def finish_wrk(proc: subprocess.Popen, seconds: int) -> tuple[float, int, int]:
    """(requests/s, non-2xx and socket errors, requests answered) of a wrk started by start_wrk."""
    out, _ = proc.communicate(timeout=seconds + 30)
    os.unlink(proc.script)
    if proc.returncode:
        raise SystemExit(f"wrk failed ({proc.returncode}): {out}")
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    non2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    sockets = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    answered = int(re.search(r"(\d+) requests in", out).group(1))
    errors = (int(non2xx.group(1)) if non2xx else 0) + (sum(map(int, sockets.groups())) if sockets else 0)
    return rps, errors, answered


def run_wrk(port: int, path: str, host: str, seconds: int, returning: bool, connections: int = 4):
    return finish_wrk(start_wrk(port, path, host, seconds, returning, connections), seconds)


def flipped(n: int) -> tuple[bool, bool]:
    """The order of round n: (on, off), then (off, on), ..."""
    return (True, False) if n % 2 == 0 else (False, True)


def switch(collecting: dict[int, bool]) -> None:
    """ANALYTICS_COLLECT on or off in each of these workers ({pid: on}): each handles its signal at once, or when
    its current request is done (the pause covers that)."""
    for pid, on in collecting.items():
        os.kill(pid, COLLECT_ON if on else COLLECT_OFF)
    time.sleep(0.2)


def answered_by(folder: Path, pid: int) -> int:
    return struct.unpack("q", (folder / str(pid)).read_bytes()[:8])[0]


def measure_split(server: Gunicorn, path: str, host: str, seconds: int, returning: bool, served: list[int]) -> dict:
    """{on: (req/s, CPU ms per request)} of the collecting and the non-collecting worker under one wrk, the
    geometric mean over the two halves (roles swapped). A half in which a worker answered nothing or used no CPU
    (seen once, on a fast VM; the cause was not found) compares nothing: it is measured again,
    at most SPLIT_TRIES times, and counted in SPLIT_REDONE (printed with the results)."""
    folder, pids = server.served_dir, sorted(worker_pids(server.proc.pid))
    if len(pids) != 2:
        raise SystemExit(f"the split mode needs 2 workers, the server has {len(pids)}")
    rates, cpus = {True: [], False: []}, {True: [], False: []}
    for on_pid, off_pid in (pids, pids[::-1]):
        switch({on_pid: True, off_pid: False})
        for _attempt in range(SPLIT_TRIES):
            counts, used = split_half(server, folder, pids, path, host, seconds, returning)
            served[0] += counts[on_pid]  # its events are buffered whether the half is kept or not
            if all(counts.values()) and all(used.values()):
                break
            SPLIT_REDONE[0] += 1
        else:
            raise SystemExit(f"split: a worker answered nothing in {SPLIT_TRIES} tries; see {server.log}")
        for on, pid in ((True, on_pid), (False, off_pid)):
            rates[on].append(counts[pid] / seconds)
            cpus[on].append(used[pid] / counts[pid] * 1000)
    return {on: (statistics.geometric_mean(rates[on]), statistics.geometric_mean(cpus[on])) for on in (True, False)}


SPLIT_TRIES = 3
SPLIT_REDONE = [0]


def split_half(server: Gunicorn, folder: Path, pids, path: str, host: str, seconds: int, returning: bool):
    """({pid: requests answered}, {pid: CPU seconds used}) by each worker during one wrk run."""
    before = {pid: (answered_by(folder, pid), process_cpu_seconds(pid)) for pid in pids}
    _rps, errors, _answered = run_wrk(server.port, path, host, seconds, returning, connections=8)
    if errors:
        raise SystemExit(f"split: {errors} errors/non-2xx; see the gunicorn log")
    counts = {pid: answered_by(folder, pid) - before[pid][0] for pid in pids}
    used = {pid: process_cpu_seconds(pid) - before[pid][1] for pid in pids}
    return counts, used


def measure(servers: dict, mode: str, order: tuple[bool, ...], path: str, host: str, seconds: int,
            returning: bool, served: list[int]) -> dict:  # fmt: skip
    """{on: (req/s, web-worker CPU ms per request)} for `order`: the two servers loaded at the same time
    (together: one wrk each, started in that order) or one after the other (alternating), or the switched
    server on then off (or off then on). Adds the requests answered with collection on to `served[0]`."""
    if mode == SPLIT:
        return measure_split(servers[SWITCHED], path, host, seconds, returning, served)
    answers, used = {}, {}
    if mode == "together":
        cpu = {on: web_cpu_seconds(servers[on].proc.pid) for on in order}
        procs = {on: start_wrk(servers[on].port, path, host, seconds, returning) for on in order}
        answers = {on: finish_wrk(procs[on], seconds) for on in order}
        used = {on: web_cpu_seconds(servers[on].proc.pid) - cpu[on] for on in order}
    else:
        for on in order:
            # switched: the one server, on or off; offcheck: the switched server held off ("on") or the off server
            switched = mode == SWITCHED or (mode == OFF_CHECK and on)
            server = servers[SWITCHED] if switched else servers[on]
            if switched:
                switch(dict.fromkeys(worker_pids(server.proc.pid), on and mode == SWITCHED))
            cpu = web_cpu_seconds(server.proc.pid)
            answers[on] = run_wrk(server.port, path, host, seconds, returning)
            used[on] = web_cpu_seconds(server.proc.pid) - cpu
    figures = {}
    for on, (rps, errors, answered) in answers.items():
        if errors:
            raise SystemExit(f"collection {'on' if on else 'off'}: {errors} errors/non-2xx; see the gunicorn log")
        figures[on] = (rps, used[on] / (rps * seconds) * 1000 if rps else float("nan"))
        served[0] += answered if on and mode != OFF_CHECK else 0
    return figures


def start_servers(args, log: Path, folder: Path, seed: int) -> dict:
    """The gunicorns the modes need, one PYTHONHASHSEED for all, ready and warmed."""

    def env(on: bool) -> dict:
        return django_env("bench.storefront_settings", WEB_CONCURRENCY="2", ANALYTICS_COLLECT=str(int(on)),
                          PYTHONHASHSEED=str(seed), BENCH_SERVED_DIR=str(folder))  # fmt: skip

    servers = {}
    if set(args.modes) - {SWITCHED, SPLIT}:
        servers = {on: Gunicorn(env(on), args.port + (0 if on else 1), log) for on in (True, False)}
    if {SWITCHED, OFF_CHECK, SPLIT} & set(args.modes):
        servers[SWITCHED] = Gunicorn(env(True), args.port + 2, log, config="bench/gunicorn_switch.conf.py")
        servers[SWITCHED].served_dir = folder
    return servers


def over_http(args, hosts: list[str], path: str, log: Path) -> tuple[dict, int, list[int]]:
    """({mode: {case: {"on": [req/s], "off": [...], "on_cpu": [ms/request], "off_cpu": [...], "load": [...]}}},
    requests answered with collection on, the hash seeds used) over `args.rounds` rounds of `args.modes`.

    The servers are started again, with a new PYTHONHASHSEED, every `--restart-every` rounds: how much a
    process's memory layout and hash seed favour one side lasts as long as the process, so the median is taken
    over several processes."""
    folder = Path(tempfile.mkdtemp(prefix="bench-served-"))
    results = {mode: {case: {k: [] for k in ("on", "off", "on_cpu", "off_cpu", "load")} for case in CASES}
               for mode in args.modes}  # fmt: skip
    served, seeds, servers = [0], [], {}
    try:
        for n in range(args.rounds):
            if n % args.restart_every == 0:
                for server in servers.values():
                    server.stop()  # a worker pushes its last events at exit
                seeds.append(random.randrange(2**32))
                servers = start_servers(args, log, folder, seeds[-1])
                for server in servers.values():
                    server.wait_ready(hosts[0])
                for key, server in servers.items():
                    for returning in (False, True):  # warm: page cache, connections, pusher thread
                        served[0] += run_wrk(server.port, path, hosts[0], 1, returning)[2] if key else 0
            for mode in args.modes:
                for case in CASES:
                    figures = results[mode][case]
                    figures["load"].append(load())
                    measured = measure(servers, mode, flipped(n), path, hosts[0], args.seconds,
                                       case != "new visitors", served)  # fmt: skip
                    for on, (rps, cpu_ms) in measured.items():
                        figures["on" if on else "off"].append(rps)
                        figures["on_cpu" if on else "off_cpu"].append(cpu_ms)
    finally:
        for server in servers.values():
            server.stop()
    return results, served[0], seeds


def environ(host: str, path: str, cookie: str) -> dict:
    env = {"REQUEST_METHOD": "GET", "PATH_INFO": path, "QUERY_STRING": "", "SERVER_NAME": host, "SERVER_PORT": "80",
           "HTTP_HOST": host, "wsgi.url_scheme": "http", "wsgi.input": io.BytesIO(b""),
           "HTTP_X_FORWARDED_FOR": "10.0.0.1", "REMOTE_ADDR": "127.0.0.1"}  # fmt: skip
    if cookie:
        env["HTTP_COOKIE"] = cookie
    return env


def in_process(host: str, path: str, pairs: int, block: int) -> dict:
    """{case: {"on": [µs per request per block], "off": [...]}}: Django's WSGI handler called directly, on and off
    alternating in blocks (order flipped every pair), so each pair compares neighbours in time."""
    from django.core.handlers.wsgi import WSGIHandler
    from django.test.utils import override_settings

    handler = WSGIHandler()

    def micros(on: bool, cookie: str) -> float:
        with override_settings(ANALYTICS_COLLECT=on):
            started = time.perf_counter()
            for _ in range(block):
                response = handler(environ(host, path, cookie), lambda status, headers: None)
                b"".join(response)
                response.close()
            return (time.perf_counter() - started) / block * 1e6

    micros(True, "")  # warm the page cache and the pusher thread
    results = {case: {"on": [], "off": []} for case in CASES}
    for n in range(pairs):
        for case, cookie in zip(CASES, ("", RETURNING_COOKIE), strict=True):
            for on in flipped(n):
                results[case]["on" if on else "off"].append(micros(on, cookie))
    return results


def best_micros(fn, number: int) -> float:
    return min(timeit.repeat(fn, number=number, repeat=7)) / number * 1e6


def ratio(on: list[float], off: list[float], *, per_request: bool = False) -> list[float]:
    """Per round throughput on / off (from req/s, or from µs per request)."""
    return [b / a if per_request else a / b for a, b in zip(on, off, strict=True)]


def quartiles(values: list[float]) -> str:
    q = statistics.quantiles(values, n=4) if len(values) > 1 else [values[0]] * 3
    return f"{q[0]:.3f} .. {q[2]:.3f}"


def verdict(value: float) -> str:
    return "met" if value >= GOAL else "NOT met"


def median_interval(values: list[float]) -> tuple[float, float]:
    """A distribution-free 95% confidence interval of the median (order statistics, the binomial's normal
    approximation): the rounds' ratios swing by ±10-30% on a shared 2-core VM, so a median alone says little."""
    ordered = sorted(values)
    k = max(0, int(len(ordered) / 2 - 1.96 * math.sqrt(len(ordered)) / 2))
    return ordered[k], ordered[len(ordered) - 1 - k]


def interval_verdict(low: float, median: float) -> str:
    if low >= GOAL:
        return "met (the whole interval)"
    return "not shown (the interval reaches below)" if median >= GOAL else "NOT met"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=int, default=1, help="seconds per wrk measurement (default 1)")
    parser.add_argument("--rounds", type=int, default=40, help="rounds, each measuring on and off (default 40)")
    parser.add_argument("--port", type=int, default=8340)
    parser.add_argument("--restart-every", type=int, default=10,
                        help="start the servers again (new hash seed) every N rounds (default 10)")  # fmt: skip
    parser.add_argument("--modes", type=lambda text: text.split(","), default=list(DEFAULT_MODES),
                        help=f"HTTP modes, comma-separated (default {','.join(DEFAULT_MODES)}; also "
                             f"{', '.join(MODES[2:])} and {OFF_CHECK})")  # fmt: skip
    parser.add_argument("--pairs", type=int, default=15, help="in-process on/off pairs per case (default 15)")
    parser.add_argument("--block", type=int, default=300, help="in-process requests per block (default 300)")
    args = parser.parse_args()
    if set(args.modes) - {*MODES, OFF_CHECK}:
        parser.error(f"--modes: choose among {', '.join((*MODES, OFF_CHECK))}")
    ensure_wrk()
    hosts, product_id = prepare_data(1)  # also sets Django up with bench.settings (REDIS_URL as given)
    log = ROOT / ".data" / "logs" / "bench-analytics-gunicorn.log"
    log.parent.mkdir(parents=True, exist_ok=True)
    path = f"/p/{product_id}"

    from django_redis import get_redis_connection

    from tenant_apps.analytics.collect import buffer_key, decode_entry, push_pending, shops_key

    redis = get_redis_connection("default")
    load_before = load()
    redis.delete(buffer_key("sfb_000"), shops_key())
    http, served, seeds = over_http(args, hosts, path, log)
    # one entry per push (a batch of events), one at a time: a long run buffers a million events
    buffered = sum(len(decode_entry(entry, "sfb_000") or []) for entry in redis.lrange(buffer_key("sfb_000"), 0, -1))
    # wrk counts the answers it read; each run leaves up to one request per connection (4, or 8 in the split
    # mode) answered after it stops
    slack = 8 * (2 * len(CASES) * args.rounds * len(args.modes) + 4 * len(seeds))
    if not served <= buffered <= served + slack:
        raise SystemExit(f"events buffered {buffered}, requests answered with collection on {served} (+ up to "
                         f"{slack} unread by wrk): the collection switch did not work")  # fmt: skip
    local = in_process(hosts[0], path, args.pairs, args.block)
    cost = per_view_cost(hosts[0], path)
    push_pending()
    redis.delete(buffer_key("sfb_000"), shops_key())

    now = datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC")
    print(f"\nData-centre collection benchmark — {now}\nmachine: {machine()}")
    print(f"GET {path} (page-cache hit); 1-minute load average {load_before:.2f} before, {load():.2f} after")
    print(f"events buffered with collection on: {buffered} (wrk read {served} answers); servers started "
          f"{len(seeds)} times, PYTHONHASHSEED {', '.join(map(str, seeds))}")  # fmt: skip
    if SPLIT in args.modes:
        print(f"split halves measured again because a worker answered nothing: {SPLIT_REDONE[0]}")
    print()
    print(f"1. gunicorn (2 sync workers) + wrk -t1 -d{args.seconds}s per measurement, {args.rounds} rounds of the "
          f"modes {', '.join(args.modes)} (see the script's docstring), the order of on and off flipped every round. "
          "CPU: the web workers' user + system CPU per request, from /proc.\n")  # fmt: skip
    print("| mode | visitors | round | load | on req/s | off req/s | on / off | on CPU ms/req | off CPU ms/req |\n"
          "|---|---|---|---|---|---|---|---|---|")  # fmt: skip
    for mode in args.modes:
        for case in CASES:
            f = http[mode][case]
            rows = zip(f["on"], f["off"], f["on_cpu"], f["off_cpu"], f["load"], strict=True)
            for n, (on, off, on_cpu, off_cpu, at) in enumerate(rows, 1):
                print(f"| {mode} | {case} | {n} | {at:.1f} | {on:.0f} | {off:.0f} | {on / off:.3f} | {on_cpu:.3f} "
                      f"| {off_cpu:.3f} |")  # fmt: skip
    print()
    for mode in args.modes:
        for case in CASES:
            f = http[mode][case]
            ratios = ratio(f["on"], f["off"])
            median = statistics.median(ratios)
            low, high = median_interval(ratios)
            cpu = statistics.median(f["off_cpu"]) / statistics.median(f["on_cpu"])
            print(f"{mode}, {case}: throughput on / off = {median:.3f} (median of {len(ratios)} in-round ratios, "
                  f"95% interval {low:.3f} .. {high:.3f}, quartiles {quartiles(ratios)}; goal >= {GOAL}: "
                  f"{interval_verdict(low, median)}); web CPU per request off / on = {cpu:.3f}")  # fmt: skip
    print(f"\n2. in process (Django's WSGI handler), {args.pairs} alternating on/off pairs of {args.block} requests\n")
    for case in CASES:
        on, off = local[case]["on"], local[case]["off"]
        ratios = ratio(on, off, per_request=True)
        median = statistics.median(ratios)
        print(f"{case}: {statistics.median(off):.0f} µs off, {statistics.median(on):.0f} µs on per request; on / off"
              f" = {median:.3f} (quartiles {quartiles(ratios)}; goal >= {GOAL}: {verdict(median)})")  # fmt: skip
    print("\n3. the collection's own cost per view (best of 7 repeats)\n")
    page = cost["page hit, collection off"]
    for name, micros in cost.items():
        print(f"{name}: {micros:.1f} µs")
    for case in CASES:
        share = cost[f"@track_page, {case}"] / page
        print(f"{case}: collection = {share * 100:.1f}% of an in-process page-cache hit -> throughput on / off "
              f"= {1 / (1 + share):.3f} at most (goal >= {GOAL}: {verdict(1 / (1 + share))})")  # fmt: skip
    return 0


def per_view_cost(host: str, path: str) -> dict[str, float]:
    """µs per call: the @track_page decorator around a view that returns at once, for a new and a returning
    visitor (best of 7 x 20,000), and a whole page-cache hit through the WSGI handler with collection off (best of
    7 x 300)."""
    from django.core.handlers.wsgi import WSGIHandler
    from django.http import HttpResponse
    from django.test import RequestFactory
    from django.test.utils import override_settings

    from shared_apps.tenancy.models import Shop
    from tenant_apps.analytics.collect import track_page
    from tenant_apps.analytics.models import EventKind

    handler = WSGIHandler()

    def page_hit():
        response = handler(environ(host, path, ""), lambda status, headers: None)
        b"".join(response)
        response.close()

    with override_settings(ANALYTICS_COLLECT=False):
        page_hit()
        page = best_micros(page_hit, 300)
    ready = HttpResponse(b"<html>")
    view = track_page(EventKind.VIEW_PRODUCT, product_kwarg="product_id")(lambda request, product_id: ready)
    factory = RequestFactory()
    returning = factory.get(path, HTTP_HOST=host, HTTP_COOKIE=RETURNING_COOKIE)
    new = factory.get(path, HTTP_HOST=host)
    new.shop = returning.shop = Shop.objects.get(schema_name="sfb_000")  # as the routing middleware does

    def new_visitor():
        ready.cookies.clear()
        view(new, product_id=1)

    with override_settings(ANALYTICS_COLLECT=True):
        costs = {
            "@track_page, new visitors": best_micros(new_visitor, 20000) - best_micros(ready.cookies.clear, 20000),
            "@track_page, returning visitors": best_micros(lambda: view(returning, product_id=1), 20000),
        }
    return {"page hit, collection off": page, **costs}


if __name__ == "__main__":
    sys.exit(main())
