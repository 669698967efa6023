"""Cheap shop schemas for the tests: every tenant migration runs once per test database, into a template schema;
each further shop schema (the test shops, spares, signups on an empty pool) is a copy of it.

Migrating a schema runs ~40 migrations of 19 apps (seconds each time, far more on a loaded machine); a copy is
the template's DDL and rows replayed as one SQL batch on the caller's connection, so it joins the caller's
transaction exactly like the migration it stands for (a signup that rolls back takes its schema with it).

The copy is pg_dump's own rendering of the template (tables, sequences and their values, indexes, constraints,
functions, triggers, and the rows the migrations wrote: django_migrations, content types), with the schema's
name swapped. A schema that already has tables (a spare being brought up to date, a broken one) is always
migrated for real, so `migrate_spares` keeps being tested against django-tenants' migrator;
tests/launch/test_schema_template.py proves the copy equals the template.
"""

import os
import re
import subprocess
import warnings

from django.db import connection

from shared_apps.tenancy import provisioning

TEMPLATE_SCHEMA = "mm_test_template"
_dump: dict[str, str] = {}
_real_migrate_schema = provisioning.migrate_schema


def pg_dump_schema(schema_name: str) -> str:
    """The committed contents of one schema as plain SQL (pg_dump of the database this connection uses)."""
    db = connection.settings_dict
    env = {**os.environ, "PGPASSWORD": db.get("PASSWORD") or ""}
    command = ["pg_dump", "--schema", schema_name, "--no-owner", "--no-privileges", "--inserts"]
    command += ["--rows-per-insert", "500", "--dbname", db["NAME"]]
    for flag, key in (("--host", "HOST"), ("--port", "PORT"), ("--username", "USER")):
        if db.get(key):
            command += [flag, str(db[key])]
    return subprocess.run(command, check=True, capture_output=True, text=True, env=env).stdout


def replayable(dump: str, schema_name: str) -> str:
    """pg_dump output as one batch for cursor.execute(): no psql meta-commands, session SETs or comments (they
    would change the caller's connection), no CREATE SCHEMA (the caller creates it), the name a placeholder."""
    kept = []
    for line in dump.splitlines():
        if line.startswith(("\\", "SET ", "--")) or "pg_catalog.set_config('search_path'" in line:
            continue
        if re.fullmatch(rf"CREATE SCHEMA {schema_name};", line):
            continue
        kept.append(line)
    body = "\n".join(kept)
    if schema_name not in body:
        raise RuntimeError(f"pg_dump of {schema_name} names no object of it")
    return body


def build_template() -> None:
    """Migrate the template schema (committed: pg_dump reads it from another session) and keep its SQL.

    Without a working pg_dump (not installed, older than the server) every schema is migrated, as before."""
    with connection.cursor() as cursor:
        cursor.execute(f'DROP SCHEMA IF EXISTS "{TEMPLATE_SCHEMA}" CASCADE')
    _real_migrate_schema(TEMPLATE_SCHEMA)
    try:
        _dump["sql"] = replayable(pg_dump_schema(TEMPLATE_SCHEMA), TEMPLATE_SCHEMA)
    except (OSError, subprocess.CalledProcessError) as exc:
        warnings.warn(f"pg_dump failed ({exc}): every test shop schema is migrated (slow)", stacklevel=1)


def template_is_ready() -> bool:
    return "sql" in _dump


def schema_has_tables(schema_name: str) -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_tables WHERE schemaname = %s LIMIT 1", [schema_name])
        return cursor.fetchone() is not None


def clone_template(schema_name: str) -> None:
    """Create `schema_name` as a copy of the template, on this connection (inside its transaction, if any)."""
    sql = re.sub(rf"\b{TEMPLATE_SCHEMA}\b", schema_name, _dump["sql"])
    with connection.cursor() as cursor:
        cursor.execute(f'CREATE SCHEMA IF NOT EXISTS "{schema_name}"')
        cursor.execute("SET LOCAL check_function_bodies = false;\n" + sql)
    connection.set_schema_to_public()


def migrate_or_clone(schema_name: str) -> None:
    """Stands in for provisioning.migrate_schema: a copy of the template for a new (or empty) schema, the real
    migrator for a schema that has tables already."""
    if not template_is_ready() or schema_has_tables(schema_name):
        _real_migrate_schema(schema_name)
    else:
        clone_template(schema_name)
