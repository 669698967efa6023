"""Formerly created the catalog-version triggers on catalog tables. The catalog owns them now (catalog 0005
drops the triggers this migration left on existing schemas and creates the one set), so this is a no-op:
kept for the migration history of existing schemas."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("storefront", "0001_theme_settings_catalog_version"),
        ("catalog", "0002_search_document"),
    ]

    operations = []
