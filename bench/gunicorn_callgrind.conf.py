"""deploy/gunicorn.conf.py for bench/analytics_callgrind.py: the same settings, plus two signals in the worker
that zero and dump callgrind's counters (CALLGRIND_ZERO_STATS / CALLGRIND_DUMP_STATS through a small library
built from valgrind/callgrind.h: callgrind_control cannot reach a forked worker).

A client request acts on the calling thread's counters only (--separate-threads=yes), so the signal handler
(main thread) also asks the analytics pusher thread to do the same: it is woken and does it before its next
push_pending() (a wrapper around the module's function, which the thread's loop looks up on every call).
The signals that turn ANALYTICS_COLLECT on and off in the running worker (bench/analytics_callgrind.py's
one-worker mode) come from bench/gunicorn_switch.conf.py, which this file extends."""

import os
import signal
import threading

exec(open(os.path.join(os.path.dirname(__file__), "gunicorn_switch.conf.py")).read())  # noqa: SIM115

_switch_post_worker_init = post_worker_init  # noqa: F821 (from the exec above)
ZERO, DUMP = signal.SIGRTMIN + 1, signal.SIGRTMIN + 2


def post_worker_init(worker):
    import ctypes

    from tenant_apps.analytics import collect

    _switch_post_worker_init(worker)
    control = ctypes.CDLL(os.environ["CALLGRIND_CONTROL_LIB"])
    asked: list = []
    lock = threading.Lock()
    push_pending = collect.push_pending

    def in_pusher():
        with lock:
            actions = asked[:]
            asked.clear()
        for action in actions:
            action()
        return push_pending()

    collect.push_pending = in_pusher

    def handler(action):
        def handle(*_):
            action()
            with lock:
                asked.append(action)
            collect._wake.set()

        return handle

    signal.signal(ZERO, handler(control.cg_zero))
    signal.signal(DUMP, handler(control.cg_dump))
