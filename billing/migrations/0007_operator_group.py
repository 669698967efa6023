"""The "operator" group: the platform operator's permissions for staff accounts that are not superusers
(billing/operators.py; `manage.py operator_group` refreshes it and adds accounts)."""

from django.contrib.auth.management import create_permissions
from django.db import migrations


def create_group(apps, schema_editor):
    from billing.services.operators import ensure_operator_group

    for label in ("tenancy", "agencies", "billing"):  # permissions are normally created after migrate; now, here
        app_config = apps.get_app_config(label)
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    ensure_operator_group(apps.get_model("auth", "Group"), apps.get_model("auth", "Permission"))


def drop_group(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name="operator").delete()


class Migration(migrations.Migration):
    dependencies = [
        ("billing", "0006_operator_permissions"),
        ("tenancy", "0008_stripe_account_label"),
        ("agencies", "0003_verbose_names_i18n"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_group, drop_group)]
