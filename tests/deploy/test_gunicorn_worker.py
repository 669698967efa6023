"""micromall.gunicorn_worker.SyncWorker under a real gunicorn (deploy/gunicorn.conf.py, one worker)."""

import email.utils
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
EXPECTED = b"hello " * 2000


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def serve():
    started = []

    def start(worker_class: str | None) -> int:
        port = free_port()
        env = {**os.environ, "PYTHONPATH": f"{ROOT}:{ROOT / 'platform'}", "WEB_CONCURRENCY": "1"}
        env.pop("GUNICORN_WORKER_CLASS", None)
        if worker_class:
            env["GUNICORN_WORKER_CLASS"] = worker_class
        proc = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-c", "deploy/gunicorn.conf.py", "--bind", f"127.0.0.1:{port}",
             "tests.deploy.hello_wsgi:app"],
            cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
        )  # fmt: skip
        started.append(proc)
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            try:
                answer = request(port)
            except OSError:
                time.sleep(0.05)
                continue
            assert answer.endswith(EXPECTED)
            return port
        raise AssertionError(proc.stderr.read().decode() if proc.poll() is not None else "gunicorn did not start")

    yield start
    for proc in started:
        proc.terminate()
        proc.wait(10)


def send(port: int, body: bytes = b"") -> socket.socket:
    sock = socket.create_connection(("127.0.0.1", port), timeout=10)
    sock.sendall(b"POST / HTTP/1.1\r\nHost: t\r\nConnection: close\r\nContent-Length: %d\r\n\r\n" % len(body) + body)
    return sock


def read_all(sock: socket.socket) -> bytes:
    chunks = []
    while chunk := sock.recv(65536):
        chunks.append(chunk)
    return b"".join(chunks)


def request(port: int, body: bytes = b"") -> bytes:
    with send(port, body) as sock:
        return read_all(sock)


def timed_request_behind_a_client_that_keeps_its_socket_open(port: int) -> float:
    """Client A reads its whole answer and keeps the connection open; how long does B then wait?"""
    lingering = send(port)
    try:
        assert read_all(lingering).endswith(EXPECTED)  # the server's FIN arrived: the answer is complete
        started = time.monotonic()
        assert request(port).endswith(EXPECTED)
        return time.monotonic() - started
    finally:
        lingering.close()


def test_the_worker_serves_the_next_request_without_waiting_for_the_client_to_close(serve):
    assert timed_request_behind_a_client_that_keeps_its_socket_open(serve(None)) < 1.0


def test_stock_gunicorn_sync_worker_waits_for_the_client_which_is_why_ours_exists(serve):
    assert timed_request_behind_a_client_that_keeps_its_socket_open(serve("sync")) >= 1.5


def test_unread_request_bytes_still_get_gunicorns_graceful_close_and_the_whole_answer(serve):
    port = serve(None)
    # The app answers without reading this body: bytes are left unread, so a bare close() could reset the
    # connection and cut the answer; the worker drains instead.
    for _ in range(5):
        assert request(port, b"x" * 300_000).endswith(EXPECTED)


def test_the_date_header_is_the_current_time_in_http_form(serve):
    port = serve(None)
    head = request(port).split(b"\r\n\r\n", 1)[0].decode("latin-1")
    [date] = [line.split(": ", 1)[1] for line in head.split("\r\n") if line.lower().startswith("date: ")]
    assert abs(email.utils.parsedate_to_datetime(date).timestamp() - time.time()) < 5
    assert date.endswith(" GMT")


def test_http_date_is_made_once_per_second_and_equals_gunicorns(monkeypatch):
    from gunicorn import util

    from micromall import gunicorn_worker

    clock = [1_764_806_400.25]  # 2025-12-04 00:00:00.25 UTC
    monkeypatch.setattr(gunicorn_worker.time, "time", lambda: clock[0])
    monkeypatch.setattr(gunicorn_worker, "_date_second", None)
    first = gunicorn_worker.http_date()
    assert first == util.http_date(1_764_806_400.25) == "Thu, 04 Dec 2025 00:00:00 GMT"
    clock[0] = 1_764_806_400.99
    assert gunicorn_worker.http_date() is first  # the same second: the text made before
    clock[0] = 1_764_806_401.0
    assert gunicorn_worker.http_date() == "Thu, 04 Dec 2025 00:00:01 GMT"
    assert gunicorn_worker.http_date(0) == "Thu, 01 Jan 1970 00:00:00 GMT"  # an explicit time: gunicorn's own


def test_settled_config_answers_every_setting_as_gunicorn_does():
    from gunicorn.config import Config

    from micromall.gunicorn_worker import settle

    cfg = Config()
    cfg.set("workers", 3)
    cfg.set("bind", ["127.0.0.1:8123"])
    expected = {name: setting.get() for name, setting in cfg.settings.items()}
    settle(cfg)
    assert "workers" in vars(cfg)  # read without Config.__getattr__
    assert {name: getattr(cfg, name) for name in cfg.settings} == {
        name: getattr(Config, name).__get__(cfg) if isinstance(getattr(Config, name, None), property) else value
        for name, value in expected.items()
    }
    assert cfg.address == [("127.0.0.1", 8123)]  # a property of the class, still computed
