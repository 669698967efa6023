from django.db import migrations

from billing.plans import plan_rows


def seed(apps, schema_editor):
    Plan = apps.get_model("billing", "Plan")
    for code, fields in plan_rows():
        Plan.objects.get_or_create(code=code, defaults=fields)


def unseed(apps, schema_editor):
    apps.get_model("billing", "Plan").objects.filter(subscriptions__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("billing", "0001_initial")]

    operations = [migrations.RunPython(seed, unseed)]
