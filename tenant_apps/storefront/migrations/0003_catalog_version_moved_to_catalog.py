"""CatalogVersion now belongs to the catalog (catalog 0005 renames the table on existing schemas). On a fresh
schema storefront 0001 may still have created an empty storefront_catalogversion after that: drop it."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('storefront', '0002_catalog_version_triggers'),
        ('catalog', '0005_catalog_version_triggers'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name='CatalogVersion')],
            database_operations=[
                migrations.RunSQL(
                    "DROP TABLE IF EXISTS storefront_catalogversion;",
                    migrations.RunSQL.noop,
                )
            ],
        ),
    ]
