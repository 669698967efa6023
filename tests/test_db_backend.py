"""The per-request health check of micromall/db/postgresql: no round trip on a quiet connection, and a connection
the server ended is still found out and replaced before the request's first query."""

import select

import pytest
from django.db import connection, connections

pytestmark = pytest.mark.django_db


@pytest.fixture
def other():
    """A second connection of its own (outside the test's transaction), as a web process holds between requests."""
    wrapper = connections.create_connection("default")
    wrapper.ensure_connection()
    yield wrapper
    wrapper.close()


def last_statement(pid: int) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT query FROM pg_stat_activity WHERE pid = %s", [pid])
        return cursor.fetchone()[0]


def backend_pid(wrapper) -> int:
    with wrapper.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return cursor.fetchone()[0]


def test_a_quiet_connection_is_trusted_without_a_round_trip(other):
    pid = backend_pid(other)
    raw = other.connection
    other.health_check_done = False  # a new request begins

    other.close_if_health_check_failed()

    assert other.connection is raw
    assert last_statement(pid) == "SELECT pg_backend_pid()"  # no SELECT 1 reached the server


def test_a_connection_the_server_ended_is_replaced(other):
    pid = backend_pid(other)
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_terminate_backend(%s)", [pid])
    select.select([other.connection.fileno()], [], [], 5)  # the server's goodbye arrives
    other.health_check_done = False

    other.close_if_health_check_failed()

    assert other.connection is None
    assert backend_pid(other) != pid  # the next query opened a new connection and succeeded


def test_inside_a_transaction_django_asks_the_server(other):
    pid = backend_pid(other)
    other.set_autocommit(False)
    with other.cursor() as cursor:
        cursor.execute("SELECT 2")
    other.health_check_done = False

    other.close_if_health_check_failed()

    assert last_statement(pid) == "SELECT 1"
    other.rollback()
    other.set_autocommit(True)
