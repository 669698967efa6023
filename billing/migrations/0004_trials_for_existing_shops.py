from datetime import timedelta

from django.db import migrations
from django.utils import timezone


def start_trials(apps, schema_editor):
    """Shops that existed before billing start the default plan's trial now (demo shops are never billed)."""
    Shop = apps.get_model("tenancy", "Shop")
    Plan = apps.get_model("billing", "Plan")
    BillingAccount = apps.get_model("billing", "BillingAccount")
    Subscription = apps.get_model("billing", "Subscription")
    plan = Plan.objects.filter(code="basic-monthly").first()
    if plan is None:
        return
    now = timezone.now()
    for shop in Shop.objects.filter(is_demo=False, subscription__isnull=True).select_related("owner", "agency"):
        if shop.agency_id:
            account, _ = BillingAccount.objects.get_or_create(agency_id=shop.agency_id)
        else:
            email = shop.owner.email if shop.owner_id else ""
            account, _ = BillingAccount.objects.get_or_create(shop=shop, defaults={"email": email})
        Subscription.objects.create(
            shop=shop,
            account=account,
            plan=plan,
            status="trialing",
            trial_end=now + timedelta(days=plan.trial_days),
            current_period_start=now,
            current_period_end=now + timedelta(days=plan.trial_days),
        )


class Migration(migrations.Migration):
    dependencies = [("billing", "0003_billing_page")]

    operations = [migrations.RunPython(start_trials, migrations.RunPython.noop)]
