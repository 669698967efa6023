"""deploy/gunicorn.conf.py plus two signals that turn ANALYTICS_COLLECT on and off in a running worker, the way
override_settings changes a setting (setting_changed): bench/analytics.py's "switched" and "split" modes and
bench/analytics_callgrind.py's one-worker mode compare collection on and off inside the same worker processes.

With BENCH_SERVED_DIR set, each worker also counts the requests it has answered in `<dir>/<pid>` (8 bytes, a
shared mapping the bench reads at any time): the "split" mode compares two workers of one server."""

import mmap
import os
import signal
import struct

exec(open(os.path.join(os.path.dirname(__file__), "..", "deploy", "gunicorn.conf.py")).read())  # noqa: SIM115

_deploy_post_worker_init = post_worker_init  # noqa: F821 (from the exec above)
COLLECT_ON, COLLECT_OFF = signal.SIGRTMIN + 3, signal.SIGRTMIN + 4


def collect_switch(value: bool):
    def switch(*_):
        from django.conf import settings
        from django.core.signals import setting_changed

        settings.ANALYTICS_COLLECT = value
        setting_changed.send(sender=None, setting="ANALYTICS_COLLECT", value=value, enter=True)

    return switch


_served = [0, None]  # this worker's count, its mapping


def post_worker_init(worker):
    _deploy_post_worker_init(worker)
    signal.signal(COLLECT_ON, collect_switch(True))
    signal.signal(COLLECT_OFF, collect_switch(False))
    folder = os.environ.get("BENCH_SERVED_DIR")
    if folder:
        with open(os.path.join(folder, str(os.getpid())), "w+b") as counter:
            counter.write(bytes(8))
            counter.flush()
            _served[1] = mmap.mmap(counter.fileno(), 8)


def post_request(worker, req, environ, resp):
    if _served[1] is not None:
        _served[0] += 1
        struct.pack_into("q", _served[1], 0, _served[0])
