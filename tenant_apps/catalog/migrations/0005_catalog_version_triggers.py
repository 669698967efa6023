"""The catalog owns its cache invalidation: the catalog-version counters and the triggers that bump them.

Until now storefront 0001 created `storefront_catalogversion` and storefront 0002 the triggers (0002 is now
a no-op). Here, on an existing schema, the counter table is renamed (its values carry on, so no cache key is
ever reused) and the old triggers are dropped before the new ones are created; on a fresh schema the table
is created. Either way the schema ends with exactly one trigger set, writing `catalog_catalogversion`.

Row-level on SKU updates (only price, specs or an in-stock flip count: an ordinary stock decrement does not
invalidate product lists), statement-level elsewhere. The upsert recreates a missing shard row, so a schema
cloned without rows still invalidates correctly. catalog_productstats has no trigger on purpose.
"""

from django.db import migrations, models

STATEMENT_TABLES = [
    "catalog_product",
    "catalog_productimage",
    "catalog_category",
    "catalog_brand",
    "catalog_specgroup",
    "catalog_specvalue",
]
TRIGGERS = [("sku_catalog_version_rows", "catalog_sku"), ("sku_catalog_version_update", "catalog_sku")] + [
    (f"{table}_catalog_version", table) for table in STATEMENT_TABLES
]


def triggers_sql(version_table: str) -> str:
    return f"""
CREATE OR REPLACE FUNCTION mm_bump_catalog_version() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  -- A new shard row starts at the clock in microseconds, so a schema dropped and recreated under the
  -- same name never repeats an old version (cache keys carry schema name + version).
  INSERT INTO {version_table} (shard, value)
  VALUES (pg_backend_pid() % 8, (extract(epoch FROM clock_timestamp()) * 1000000)::bigint)
  ON CONFLICT (shard) DO UPDATE SET value = {version_table}.value + 1;
  RETURN NULL;
END
$$;

CREATE TRIGGER sku_catalog_version_rows
  AFTER INSERT OR DELETE OR TRUNCATE ON catalog_sku
  FOR EACH STATEMENT EXECUTE FUNCTION mm_bump_catalog_version();

CREATE TRIGGER sku_catalog_version_update
  AFTER UPDATE ON catalog_sku FOR EACH ROW
  WHEN (OLD.price_amount IS DISTINCT FROM NEW.price_amount
        OR OLD.compare_at_amount IS DISTINCT FROM NEW.compare_at_amount
        OR OLD.specs IS DISTINCT FROM NEW.specs
        OR OLD.product_id IS DISTINCT FROM NEW.product_id
        OR (OLD.stock > 0) IS DISTINCT FROM (NEW.stock > 0))
  EXECUTE FUNCTION mm_bump_catalog_version();
""" + "".join(
        f"""
CREATE TRIGGER {table}_catalog_version
  AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON {table}
  FOR EACH STATEMENT EXECUTE FUNCTION mm_bump_catalog_version();
"""
        for table in STATEMENT_TABLES
    )


DROP_TRIGGERS = "".join(f"DROP TRIGGER IF EXISTS {name} ON {table};\n" for name, table in TRIGGERS)

MOVE_TABLE = """
DO $$
BEGIN
  IF to_regclass(format('%I.storefront_catalogversion', current_schema())) IS NOT NULL
     AND to_regclass(format('%I.catalog_catalogversion', current_schema())) IS NULL THEN
    ALTER TABLE storefront_catalogversion RENAME TO catalog_catalogversion;
    ALTER INDEX storefront_catalogversion_pkey RENAME TO catalog_catalogversion_pkey;
    ALTER TABLE catalog_catalogversion RENAME CONSTRAINT storefront_catalogversion_shard_check
      TO catalog_catalogversion_shard_check;
  ELSE
    CREATE TABLE IF NOT EXISTS catalog_catalogversion (
      shard smallint NOT NULL PRIMARY KEY CHECK (shard >= 0),
      value bigint NOT NULL
    );
  END IF;
END
$$;
"""

MOVE_TABLE_BACK = """
ALTER TABLE catalog_catalogversion RENAME TO storefront_catalogversion;
ALTER INDEX catalog_catalogversion_pkey RENAME TO storefront_catalogversion_pkey;
ALTER TABLE storefront_catalogversion RENAME CONSTRAINT catalog_catalogversion_shard_check
  TO storefront_catalogversion_shard_check;
"""


class Migration(migrations.Migration):

    dependencies = [
        ('catalog', '0004_product_stats'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='CatalogVersion',
                    fields=[
                        ('shard', models.PositiveSmallIntegerField(primary_key=True, serialize=False)),
                        ('value', models.BigIntegerField(default=0)),
                    ],
                    options={
                        'verbose_name': 'catalog version',
                    },
                ),
            ],
            database_operations=[migrations.RunSQL(MOVE_TABLE, MOVE_TABLE_BACK)],
        ),
        # Backwards restores what storefront 0002 used to leave: the triggers writing storefront_catalogversion
        # (the table is renamed back by the operation above, which is reversed after this one).
        migrations.RunSQL(
            DROP_TRIGGERS + triggers_sql("catalog_catalogversion"),
            DROP_TRIGGERS + triggers_sql("storefront_catalogversion"),
        ),
    ]
