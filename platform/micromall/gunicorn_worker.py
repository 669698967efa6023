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
"""

import contextlib
import socket

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


class SyncWorker(sync.SyncWorker):
    def init_process(self) -> None:
        # The sync worker calls `util.close_graceful` by module attribute; this runs in the forked worker
        # process only, so the master and other worker classes are untouched.
        util.close_graceful = close_promptly
        super().init_process()
