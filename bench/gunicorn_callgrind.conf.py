"""deploy/gunicorn.conf.py for bench/analytics_callgrind.py: the same settings, plus two signals in the worker
that zero and dump callgrind's counters (CALLGRIND_ZERO_STATS / CALLGRIND_DUMP_STATS through a small library
built from valgrind/callgrind.h: callgrind_control cannot reach a forked worker).

A client request acts on the calling thread's counters only (--separate-threads=yes), so the signal handler
(main thread) also asks the analytics pusher thread to do the same: it is woken and does it before its next
push_pending() (a wrapper around the module's function, which the thread's loop looks up on every call).
Two more signals turn ANALYTICS_COLLECT on and off in the running worker (bench/analytics_callgrind.py's
one-worker mode)."""

import os
import signal
import threading

exec(open(os.path.join(os.path.dirname(__file__), "..", "deploy", "gunicorn.conf.py")).read())  # noqa: SIM115

_deploy_post_worker_init = post_worker_init  # noqa: F821 (from the exec above)
ZERO, DUMP, COLLECT_ON, COLLECT_OFF = (signal.SIGRTMIN + n for n in (1, 2, 3, 4))


def post_worker_init(worker):
    import ctypes

    from tenant_apps.analytics import collect

    _deploy_post_worker_init(worker)
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

    def collect_switch(value: bool):
        """ANALYTICS_COLLECT in this worker, as override_settings changes it (setting_changed)."""
        from django.conf import settings
        from django.core.signals import setting_changed

        def switch(*_):
            settings.ANALYTICS_COLLECT = value
            setting_changed.send(sender=None, setting="ANALYTICS_COLLECT", value=value, enter=True)

        return switch

    signal.signal(COLLECT_ON, collect_switch(True))
    signal.signal(COLLECT_OFF, collect_switch(False))
