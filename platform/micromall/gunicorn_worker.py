"""gunicorn's sync worker, closing a finished connection at once when nothing of the request is left unread.

gunicorn 23+ ends every sync-worker connection with `util.close_graceful`: it half-closes, then waits (up to
2 s) for the client to close its side, draining whatever the client still sends. That wait guards one case:
unread request bytes in the kernel's buffer make `close()` send a reset, which can cut the end of the
response. When the buffer is empty there is nothing for a reset to come from, yet the worker still sits idle
until the client's FIN arrives: a round trip through the client's event loop per request (3–5 ms with a busy
asyncio client, measured in bench/flash_sale.py), while the worker could serve the next request.

`close_promptly` looks (without blocking) for unread bytes first: none, or the client already closed → a
plain `close()` (the kernel still delivers the response, then FIN); bytes pending → gunicorn's own graceful
close. This is the heuristic nginx's `lingering_close on` uses. `GUNICORN_WORKER_CLASS=sync` in the
environment puts gunicorn's stock worker back.

Two per-request costs of gunicorn are also cut in the worker (together ~3% of an order's CPU, py-spy):
- the `Date` header's text is made once per second (`http_date`) instead of through email.utils.formatdate on
  every response: the header has a resolution of one second anyway;
- the worker's settings are plain attributes of its Config (`settle`): gunicorn reads ~15 of them per request,
  each through Config.__getattr__ and Setting.get. A worker's settings never change (a reload starts new
  workers), and the master's Config is not touched: the worker holds its own copy after the fork.
"""

import contextlib
import socket
import time

from gunicorn import util
from gunicorn.workers import sync

_graceful = util.close_graceful


def close_promptly(sock: socket.socket, *args, **kwargs) -> None:
    try:
        pending = sock.recv(1, socket.MSG_PEEK | socket.MSG_DONTWAIT)
    except BlockingIOError:
        pending = b""  # nothing unread
    except OSError:
        pending = b""  # reset or not connected: nothing to protect
    if pending:
        _graceful(sock, *args, **kwargs)
        return
    with contextlib.suppress(OSError):
        sock.close()


_formatted_date = util.http_date
_date_second: int | None = None
_date_text = ""


def http_date(timestamp: float | None = None) -> str:
    """gunicorn's util.http_date; the current time's text made once per second (formatdate drops the fraction)."""
    global _date_second, _date_text
    if timestamp is not None:
        return _formatted_date(timestamp)
    second = int(time.time())
    if second != _date_second:
        _date_text, _date_second = _formatted_date(second), second
    return _date_text


def settle(cfg) -> None:
    """Each setting's current value as an attribute of this Config, read without Config.__getattr__. Properties
    of the class (address, worker_class, ...) stay properties: they take precedence over the instance's dict."""
    for name, setting in cfg.settings.items():
        if not isinstance(getattr(type(cfg), name, None), property):
            object.__setattr__(cfg, name, setting.get())  # Config.__setattr__ refuses setting names


class SyncWorker(sync.SyncWorker):
    def init_process(self) -> None:
        # The sync worker calls `util.close_graceful` and `util.http_date` by module attribute; this runs in the
        # forked worker process only, so the master and other worker classes are untouched.
        util.close_graceful = close_promptly
        util.http_date = http_date
        settle(self.cfg)
        super().init_process()
