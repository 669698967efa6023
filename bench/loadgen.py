"""A lean HTTP/1.1 load generator for the order benchmarks: non-blocking sockets and one selector, no asyncio.

The load generator shares the two cores with the server it measures, so every microsecond it spends is taken
from the server. asyncio's streams cost ~0.5 ms of CPU per request here, and with 200 buyers starting together
its scheduler first opened all 200 connections and only then sent the first request: the first order reached
gunicorn 30-60 ms after the start. Here each buyer's connection is opened and its request written in one step,
one buyer after the other (~20 µs each), so the server has the first request at once; connection set-up stays
inside every measured time, as it is for a shopper.

Every request carries `Connection: close`, so the server's closing of the connection ends the answer.
"""

import errno
import selectors
import socket
import time
from dataclasses import dataclass, field

_WOULD_BLOCK = (errno.EINPROGRESS, errno.EAGAIN, errno.ENOTCONN)


def post(host: str, path: str, body: bytes, headers: dict[str, str]) -> bytes:
    head = "".join(f"{name}: {value}\r\n" for name, value in headers.items())
    return (
        f"POST {path} HTTP/1.1\r\nHost: {host}\r\n{head}Content-Type: application/json\r\n"
        f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n"
    ).encode() + body


@dataclass
class Answer:
    status: int
    seconds: float  # from this request's connect to the end of its answer
    at: float  # when the answer ended, from the start of the run


@dataclass
class _Exchange:
    slot: int
    request: bytes
    started: float
    sent: int = 0
    received: bytearray = field(default_factory=bytearray)


class _Runner:
    def __init__(self, port: int):
        self.address = ("127.0.0.1", port)
        self.selector = selectors.DefaultSelector()
        self.open = 0

    def start(self, slot: int, request: bytes) -> None:
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setblocking(False)
        exchange = _Exchange(slot, request, time.perf_counter())
        code = sock.connect_ex(self.address)
        if code not in (0, *_WOULD_BLOCK):
            raise OSError(code, f"connect to {self.address}: {errno.errorcode.get(code, code)}")
        self.open += 1
        if code == 0 and self._send(sock, exchange):
            self.selector.register(sock, selectors.EVENT_READ, exchange)
        else:
            self.selector.register(sock, selectors.EVENT_WRITE, exchange)

    @staticmethod
    def _send(sock: socket.socket, exchange: _Exchange) -> bool:
        """Write what the socket takes; True once the whole request is out."""
        try:
            exchange.sent += sock.send(exchange.request[exchange.sent :])
        except (BlockingIOError, InterruptedError):
            return False
        except OSError as error:
            if error.errno in _WOULD_BLOCK:
                return False
            raise
        return exchange.sent == len(exchange.request)

    def finished(self, timeout: float | None = None):
        """Yield (slot, status, seconds) for each answer as it ends."""
        for key, mask in self.selector.select(timeout):
            sock, exchange = key.fileobj, key.data
            if mask & selectors.EVENT_WRITE:
                if self._send(sock, exchange):
                    self.selector.modify(sock, selectors.EVENT_READ, exchange)
                continue
            chunk = sock.recv(65536)
            if chunk:
                exchange.received += chunk
                continue
            self.selector.unregister(sock)
            sock.close()
            self.open -= 1
            status = int(exchange.received[9:12]) if exchange.received[:5] == b"HTTP/" else 0
            yield exchange.slot, status, time.perf_counter() - exchange.started


def burst(port: int, requests: list[bytes]) -> list[Answer]:
    """Every request at once, each on a connection of its own; answers in the order of `requests`."""
    runner = _Runner(port)
    started = time.perf_counter()
    for slot, request in enumerate(requests):
        runner.start(slot, request)
    answers: list[Answer | None] = [None] * len(requests)
    while runner.open:
        for slot, status, seconds in runner.finished():
            answers[slot] = Answer(status, seconds, time.perf_counter() - started)
    return answers


def closed_loop(port: int, requests: list[bytes], seconds: float) -> tuple[list[Answer], float]:
    """One buyer per request, each sending it again as soon as the last answer ended, for `seconds`; the requests
    in flight at the end are answered and counted. Returns the answers and the wall time."""
    runner = _Runner(port)
    started = time.perf_counter()
    deadline = started + seconds
    for slot, request in enumerate(requests):
        runner.start(slot, request)
    answers: list[Answer] = []
    while runner.open:
        for slot, status, took in runner.finished():
            now = time.perf_counter()
            answers.append(Answer(status, took, now - started))
            if now < deadline:
                runner.start(slot, requests[slot])
    return answers, time.perf_counter() - started
