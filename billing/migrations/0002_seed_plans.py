from django.db import migrations

# (tier, rank, English msgid of the name, monthly fen, yearly fen, technical fee bps, trial days, staff seats, products)
# The names are translated when shown: Basic 基础版, Professional 专业版, Flagship 旗舰版 (billing/locale).
PLANS = [
    ("basic", 1, "Basic", 9_900, 99_000, 60, 14, 3, 500),
    ("pro", 2, "Professional", 29_900, 299_000, 40, 14, 10, 5_000),
    ("flagship", 3, "Flagship", 99_900, 999_000, 20, 14, 50, 0),
]


def seed(apps, schema_editor):
    Plan = apps.get_model("billing", "Plan")
    for tier, rank, name, monthly, yearly, bps, trial, seats, products in PLANS:
        for interval, price in (("month", monthly), ("year", yearly)):
            Plan.objects.update_or_create(
                code=f"{tier}-{interval}ly",
                defaults=dict(
                    tier=tier,
                    rank=rank,
                    name=name,
                    interval=interval,
                    price_amount=price,
                    currency="CNY",
                    technical_fee_bps=bps,
                    trial_days=trial,
                    staff_seats=seats,
                    max_products=products,
                ),
            )


def unseed(apps, schema_editor):
    apps.get_model("billing", "Plan").objects.filter(subscriptions__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("billing", "0001_initial")]

    operations = [migrations.RunPython(seed, unseed)]
