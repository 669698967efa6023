"""The test suite's shop schemas are copies of one migrated template (tests/schema_template.py): a copy must be
the template, object for object and row for row, or every test on a copied schema would prove nothing."""

import re

import pytest
from django.db import connection

from shared_apps.tenancy import provisioning
from tests.schema_template import TEMPLATE_SCHEMA, template_is_ready

CATALOG = {
    "columns": (
        # column order, not attnum: a migration that dropped a column leaves a gap a copy does not have
        "SELECT table_name, column_name, data_type, is_nullable, column_default,"
        " row_number() OVER (PARTITION BY table_name ORDER BY ordinal_position)"
        " FROM information_schema.columns WHERE table_schema = %(schema)s"
    ),
    "indexes": "SELECT tablename, indexname, indexdef FROM pg_indexes WHERE schemaname = %(schema)s",
    "constraints": (
        "SELECT c.conrelid::regclass::text, c.conname, pg_get_constraintdef(c.oid) FROM pg_constraint c"
        " JOIN pg_namespace n ON n.oid = c.connamespace WHERE n.nspname = %(schema)s"
    ),
    "triggers": (
        "SELECT t.tgrelid::regclass::text, t.tgname, pg_get_triggerdef(t.oid) FROM pg_trigger t"
        " JOIN pg_class r ON r.oid = t.tgrelid JOIN pg_namespace n ON n.oid = r.relnamespace"
        " WHERE n.nspname = %(schema)s AND NOT t.tgisinternal"
    ),
    "functions": (
        "SELECT p.proname, pg_get_functiondef(p.oid) FROM pg_proc p"
        " JOIN pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname = %(schema)s"
    ),
    "sequences": "SELECT sequencename, last_value FROM pg_sequences WHERE schemaname = %(schema)s",
}


def normalized(value, schema: str) -> str:
    """The schema's own name taken out, and the casts and parentheses PostgreSQL moves when it re-reads a
    predicate it printed: `ANY (ARRAY[('a'::varchar)::text])` comes back as `ANY ((ARRAY['a'::varchar])::text[])`."""
    text = str(value).replace(schema, "<schema>")
    return re.sub(r"::[a-z ]+(\[\])?|[()]", "", text)


def signature(schema: str) -> dict[str, list]:
    """Everything that defines a schema, normalized so two schemas compare."""
    result = {}
    with connection.cursor() as cursor:
        for name, query in CATALOG.items():
            cursor.execute(query, {"schema": schema})
            rows = [tuple(normalized(v, schema) for v in row) for row in cursor.fetchall()]
            result[name] = sorted(rows)
        cursor.execute(f'SELECT app, name FROM "{schema}".django_migrations ORDER BY id')
        result["migrations"] = cursor.fetchall()
        cursor.execute(f'SELECT id, app_label, model FROM "{schema}".django_content_type ORDER BY id')
        result["content_types"] = cursor.fetchall()
    return result


def test_a_copied_schema_is_the_migrated_template(db):
    if not template_is_ready():
        pytest.skip("no working pg_dump: every test shop schema is migrated")
    # when the suite's stand-in for the migrator makes a new schema (rolled back with the test)
    provisioning.migrate_schema("shop_copycheck")
    copy, template = signature("shop_copycheck"), signature(TEMPLATE_SCHEMA)
    # then it has every table, column, index, constraint, trigger, function, sequence value and row of the template
    assert len(template["columns"]) > 100
    assert template["triggers"] and template["functions"] and template["migrations"]
    for part in template:
        assert copy[part] == template[part], part
    assert provisioning.schema_is_current("shop_copycheck")
