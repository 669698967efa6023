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
