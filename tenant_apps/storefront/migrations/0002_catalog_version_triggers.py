"""Triggers that bump storefront_catalogversion on every catalog change a shopper can see.

Row-level on SKU updates (only price, specs or an in-stock flip count: an ordinary stock decrement
does not invalidate product lists), statement-level elsewhere. The upsert recreates a missing shard
row, so a schema cloned without rows still invalidates correctly.
"""

from django.db import migrations

STATEMENT_TABLES = [
    "catalog_product",
    "catalog_productimage",
    "catalog_category",
    "catalog_brand",
    "catalog_specgroup",
    "catalog_specvalue",
]

FORWARD = """
CREATE OR REPLACE FUNCTION mm_bump_catalog_version() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  -- A new shard row starts at the clock in microseconds, so a schema dropped and recreated under the
  -- same name never repeats an old version (cache keys carry schema name + version).
  INSERT INTO storefront_catalogversion (shard, value)
  VALUES (pg_backend_pid() % 8, (extract(epoch FROM clock_timestamp()) * 1000000)::bigint)
  ON CONFLICT (shard) DO UPDATE SET value = storefront_catalogversion.value + 1;
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

BACKWARD = (
    "".join(f"DROP TRIGGER IF EXISTS {table}_catalog_version ON {table};\n" for table in STATEMENT_TABLES)
    + """
DROP TRIGGER IF EXISTS sku_catalog_version_update ON catalog_sku;
DROP TRIGGER IF EXISTS sku_catalog_version_rows ON catalog_sku;
DROP FUNCTION IF EXISTS mm_bump_catalog_version();
"""
)


class Migration(migrations.Migration):
    dependencies = [
        ("storefront", "0001_theme_settings_catalog_version"),
        ("catalog", "0002_search_document"),
    ]

    operations = [migrations.RunSQL(FORWARD, BACKWARD)]
