"""micromall.db.prepared: statements prepared on the server once per connection, per shop schema, and safe across
rollbacks, failures, new connections and the setting that turns them off."""

import pytest
from django.db import DatabaseError, connection, connections, transaction
from django_tenants.utils import tenant_context

from micromall.db.prepared import Statement, execute, original_sql
from tenant_apps.catalog.models import Product

pytestmark = pytest.mark.django_db

COUNT_TITLED = Statement("SELECT count(*) FROM catalog_product WHERE title LIKE %s || '%%'")
DIVIDE = Statement("SELECT 10 / %s::integer")
PROBE = Statement("SELECT v FROM mm_probe WHERE %s::integer > 0")  # a temporary table of the connection's own


@pytest.fixture
def other():
    """A connection of its own, outside the test's transaction (so it can be closed), as a web process holds."""
    wrapper = connections.create_connection("default")
    yield wrapper
    wrapper.close()


def run(statement: Statement, *params, on=None):
    with (on or connection).cursor() as cursor:
        execute(cursor, statement, params)
        return cursor.fetchone()[0]


def sent(statement: Statement, *params, on=None) -> tuple[object, list[str]]:
    """The statement's answer and the SQL sent for it."""
    seen: list[str] = []

    def capture(execute, sql, params, many, context):
        if not sql.startswith("SET search_path"):  # django-tenants' own, on the first cursor of a connection
            seen.append(sql)
        return execute(sql, params, many, context)

    with (on or connection).execute_wrapper(capture):
        return run(statement, *params, on=on), seen


def server_statements(on=None) -> set[str]:
    with (on or connection).cursor() as cursor:
        cursor.execute("SELECT name FROM pg_prepared_statements")
        return {name for (name,) in cursor.fetchall()}


def test_the_first_use_prepares_in_the_same_round_trip_and_later_uses_send_only_the_values(shop_a):
    with tenant_context(shop_a):
        first, first_sent = sent(COUNT_TITLED, "茶")
        second, second_sent = sent(COUNT_TITLED, "茶")

        assert first == second == Product.objects.filter(title__startswith="茶").count()
        assert len(first_sent) == len(second_sent) == 1
        assert first_sent[0].startswith(f"PREPARE {COUNT_TITLED.name} AS SELECT count(*) FROM catalog_product")
        assert second_sent == [f"EXECUTE {COUNT_TITLED.name}(%s)"]
        assert COUNT_TITLED.name in server_statements()
        assert original_sql(second_sent[0]) == original_sql(first_sent[0]) == COUNT_TITLED.sql


def test_the_literal_percent_sign_reaches_the_server_as_one(shop_a):
    with tenant_context(shop_a):
        Product.objects.create(title="茶%百分")
        run(COUNT_TITLED, "茶")
        with connection.cursor() as cursor:
            cursor.execute("SELECT statement FROM pg_prepared_statements WHERE name = %s", [COUNT_TITLED.name])
            (text,) = cursor.fetchone()

    assert "LIKE $1 || '%';" in text  # the server keeps the whole query string it was prepared by
    with tenant_context(shop_a):
        assert run(COUNT_TITLED, "茶%") == 1


def test_each_shop_reads_its_own_schema_through_the_same_prepared_statement(shop_a, shop_b):
    with tenant_context(shop_a):
        Product.objects.create(title="茶 · 只在甲店")
        in_a = Product.objects.filter(title__startswith="茶").count()
    with tenant_context(shop_b):
        in_b = Product.objects.filter(title__startswith="茶").count()
    assert in_a != in_b

    seen = []
    for shop in (shop_a, shop_b, shop_a, shop_b):
        with tenant_context(shop):
            seen.append(run(COUNT_TITLED, "茶"))

    assert seen == [in_a, in_b, in_a, in_b]


def test_a_rollback_keeps_the_statement_prepared(shop_a):
    with tenant_context(shop_a):
        with pytest.raises(RuntimeError), transaction.atomic():
            run(COUNT_TITLED, "x")
            raise RuntimeError("roll back")
        assert COUNT_TITLED.name in server_statements()
        assert run(COUNT_TITLED, "x") == 0  # EXECUTE, not a second PREPARE (which the server would refuse)


def test_a_failed_first_use_is_checked_on_the_server_before_the_next_use(other):
    with pytest.raises(DatabaseError):
        run(DIVIDE, 0, on=other)  # PREPARE succeeds, its EXECUTE fails: whether the statement exists is unknown

    value, seen = sent(DIVIDE, 5, on=other)

    assert value == 2
    assert "pg_prepared_statements" in seen[0]
    assert seen[1:] == [f"EXECUTE {DIVIDE.name}(%s)"]


def test_a_failure_before_the_prepare_prepares_on_the_next_use(other):
    other.set_autocommit(False)
    with other.cursor() as cursor:
        with pytest.raises(DatabaseError):
            cursor.execute("SELECT 1 / 0")
        with pytest.raises(DatabaseError):  # the transaction is aborted: PREPARE and EXECUTE both refused
            execute(cursor, DIVIDE, [1])
    other.rollback()
    other.set_autocommit(True)

    value, seen = sent(DIVIDE, 1, on=other)

    assert value == 10
    assert "pg_prepared_statements" in seen[0]
    assert seen[1].startswith(f"PREPARE {DIVIDE.name} AS ")


def probe_with_text_column(on) -> None:
    """A migration changes the type of a column the prepared statement returns."""
    with on.cursor() as cursor:
        cursor.execute("ALTER TABLE mm_probe ALTER COLUMN v TYPE text")


@pytest.fixture
def probe(other):
    with other.cursor() as cursor:
        cursor.execute("CREATE TEMP TABLE mm_probe (v integer); INSERT INTO mm_probe VALUES (7)")
    assert run(PROBE, 1, on=other) == 7
    return other


def test_a_column_whose_type_changed_is_prepared_again_at_once_outside_a_transaction(probe):
    probe_with_text_column(probe)

    value, seen = sent(PROBE, 1, on=probe)

    assert value == "7"
    assert seen == [f"EXECUTE {PROBE.name}(%s)", f"DEALLOCATE {PROBE.name}", PROBE.prepare_sql]
    assert sent(PROBE, 1, on=probe) == ("7", [f"EXECUTE {PROBE.name}(%s)"])


def test_inside_a_transaction_one_use_fails_and_the_next_prepares_again(probe):
    probe_with_text_column(probe)

    probe.set_autocommit(False)
    with pytest.raises(DatabaseError, match="cached plan must not change result type"):
        run(PROBE, 1, on=probe)
    probe.rollback()
    value, seen = sent(PROBE, 1, on=probe)
    probe.commit()
    probe.set_autocommit(True)

    assert value == "7"
    assert seen == [f"DEALLOCATE {PROBE.name}", PROBE.prepare_sql]


def test_a_new_connection_prepares_again(other):
    assert sent(DIVIDE, 2, on=other)[1][0].startswith("PREPARE ")
    assert sent(DIVIDE, 2, on=other)[1][0].startswith("EXECUTE ")
    other.close()

    value, seen = sent(DIVIDE, 1, on=other)

    assert value == 10
    assert seen[0].startswith(f"PREPARE {DIVIDE.name} AS ")
    assert DIVIDE.name in server_statements(on=other)


def test_turned_off_the_sql_goes_as_it_is(settings, other):
    settings.DB_PREPARED_STATEMENTS = False

    value, seen = sent(DIVIDE, 2, on=other)

    assert (value, seen) == (5, [DIVIDE.sql])
    assert DIVIDE.name not in server_statements(on=other)
