"""The catalog owns the catalog-version triggers: fresh and upgraded schemas end with exactly one set."""

import importlib

import pytest
from django.core.management import call_command
from django.db import connection

TRIGGERS = [
    ("catalog_brand_catalog_version", "catalog_brand"),
    ("catalog_category_catalog_version", "catalog_category"),
    ("catalog_product_catalog_version", "catalog_product"),
    ("catalog_productimage_catalog_version", "catalog_productimage"),
    ("catalog_specgroup_catalog_version", "catalog_specgroup"),
    ("catalog_specvalue_catalog_version", "catalog_specvalue"),
    ("sku_catalog_version_rows", "catalog_sku"),
    ("sku_catalog_version_update", "catalog_sku"),
]
triggers_migration = importlib.import_module("tenant_apps.catalog.migrations.0005_catalog_version_triggers")


def schema_state(schema: str) -> tuple[list[tuple[str, str]], list[str], list[str]]:
    """(catalog-version triggers, version tables, bodies of mm_bump_catalog_version) in `schema`."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT t.tgname, c.relname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid"
            " JOIN pg_namespace n ON n.oid = c.relnamespace"
            " WHERE n.nspname = %s AND NOT t.tgisinternal AND t.tgname LIKE '%%catalog_version%%' ORDER BY 1",
            [schema],
        )
        triggers = cursor.fetchall()
        cursor.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = %s AND tablename LIKE '%%catalogversion' ORDER BY 1",
            [schema],
        )
        tables = [row[0] for row in cursor.fetchall()]
        cursor.execute(
            "SELECT p.prosrc FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace"
            " WHERE n.nspname = %s AND p.proname = 'mm_bump_catalog_version'",
            [schema],
        )
        bodies = [row[0] for row in cursor.fetchall()]
    return triggers, tables, bodies


def test_a_fresh_schema_has_one_trigger_set_writing_the_catalog_table(shop_a):
    triggers, tables, bodies = schema_state(shop_a.schema_name)
    assert (triggers, tables, len(bodies)) == (TRIGGERS, ["catalog_catalogversion"], 1)
    assert "INSERT INTO catalog_catalogversion" in bodies[0]


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_an_existing_schema_is_upgraded_to_one_trigger_set_and_keeps_its_version(shop_schemas):
    schema = "test_seams_upgrade"

    def migrate(*target: str) -> None:
        call_command("migrate_schemas", *target, schema_name=schema, interactive=False, verbosity=0)
        connection.set_schema_to_public()

    with connection.cursor() as cursor:
        cursor.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE; CREATE SCHEMA "{schema}"')
    try:
        migrate("catalog", "0003_search_nfkc")
        migrate("storefront", "0002_catalog_version_triggers")
        with connection.cursor() as cursor:  # what storefront 0002 used to create, plus a live version
            cursor.execute(f'SET search_path TO "{schema}", public')
            cursor.execute(triggers_migration.triggers_sql("storefront_catalogversion"))
            cursor.execute("INSERT INTO storefront_catalogversion SELECT s, 1000 + s FROM generate_series(0, 7) s")
        connection.set_schema_to_public()
        assert schema_state(schema)[:2] == (TRIGGERS, ["storefront_catalogversion"])

        migrate()

        triggers, tables, bodies = schema_state(schema)
        assert (triggers, tables, len(bodies)) == (TRIGGERS, ["catalog_catalogversion"], 1)
        assert "storefront_catalogversion" not in bodies[0]
        with connection.cursor() as cursor:
            cursor.execute(f'SET search_path TO "{schema}", public')
            cursor.execute("SELECT sum(value) FROM catalog_catalogversion")
            assert cursor.fetchone()[0] == 8028  # the version carries on: no cache key is ever reused
            cursor.execute("INSERT INTO catalog_brand (name, logo) VALUES ('b', '')")
            cursor.execute("SELECT sum(value) FROM catalog_catalogversion")
            assert cursor.fetchone()[0] == 8029  # one bump: one trigger, not two
    finally:
        connection.set_schema_to_public()
        with connection.cursor() as cursor:
            cursor.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
