"""gunicorn settings shared by `make run`, the benchmarks and production (override with env vars)."""

import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", f"127.0.0.1:{os.environ.get('PORT', '8000')}")
workers = int(os.environ.get("WEB_CONCURRENCY", max(2, multiprocessing.cpu_count())))
# gunicorn's sync worker that closes a finished connection without waiting for the client's FIN when nothing
# of the request is left unread (micromall/gunicorn_worker.py); `GUNICORN_WORKER_CLASS=sync` is the stock one.
worker_class = os.environ.get("GUNICORN_WORKER_CLASS", "micromall.gunicorn_worker.SyncWorker")
pythonpath = "platform"
wsgi_app = "micromall.wsgi:application"
keepalive = 5
timeout = 30
# Oversized request lines and headers are refused by gunicorn with a 400 before Django runs.
limit_request_line = 4094
limit_request_fields = 100
limit_request_field_size = 8190
accesslog = os.environ.get("GUNICORN_ACCESSLOG") or None
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOGLEVEL", "warning")
# gunicorn's control socket defaults to one path per user ($HOME/.gunicorn/gunicorn.ctl): several gunicorns
# on one machine (make run, the benchmarks, other checkouts) would take it from each other. Off unless asked.
control_socket = os.environ.get("GUNICORN_CONTROL_SOCKET") or "gunicorn.ctl"
control_socket_disable = not os.environ.get("GUNICORN_CONTROL_SOCKET")


def post_worker_init(worker):
    """Once the worker has loaded Django, load the URL trees (and with them every view, serializer and service
    module) and move everything loaded so far out of the cyclic garbage collector's reach (gc.freeze): those
    objects live as long as the process, yet every full collection walked them all again. Measured with
    bench/order_cpu.py (BENCH_GC_TIME=1): collection time per order placed fell from ~0.22 to ~0.06 ms."""
    import gc

    from django.conf import settings
    from django.urls import get_resolver

    if settings.configured:  # the app is Django (the gunicorn tests also serve a bare WSGI app)
        for urlconf in {settings.ROOT_URLCONF, getattr(settings, "SHOP_URLCONF", settings.ROOT_URLCONF)}:
            get_resolver(urlconf).url_patterns  # noqa: B018 (imported for its side effect)
    gc.freeze()
