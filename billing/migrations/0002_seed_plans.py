from django.db import migrations

from billing.plans import seed_default_plans


def seed(apps, schema_editor):
    seed_default_plans(apps.get_model("billing", "Plan"))


def unseed(apps, schema_editor):
    apps.get_model("billing", "Plan").objects.filter(subscriptions__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("billing", "0001_initial")]

    operations = [migrations.RunPython(seed, unseed)]
