"""The default price list: seeded by migration 0002, and re-seeded by billing.services.seed_default_plans if the
table was emptied (e.g. a database flush) so that a signup never fails for want of its trial plan."""

# (tier, rank, English msgid of the name, monthly fen, yearly fen, technical fee bps, trial days, staff seats,
# products (0 = unlimited)). Names are translated when shown: Basic 基础版, Professional 专业版, Flagship 旗舰版.
DEFAULT_PLANS = [
    ("basic", 1, "Basic", 9_900, 99_000, 60, 14, 3, 500),
    ("pro", 2, "Professional", 29_900, 299_000, 40, 14, 10, 5_000),
    ("flagship", 3, "Flagship", 99_900, 999_000, 20, 14, 50, 0),
]


def plan_rows():
    """(code, field values) of each default plan, monthly and yearly."""
    for tier, rank, name, monthly, yearly, bps, trial, seats, products in DEFAULT_PLANS:
        for interval, price in (("month", monthly), ("year", yearly)):
            yield (
                f"{tier}-{interval}ly",
                {
                    "tier": tier,
                    "rank": rank,
                    "name": name,
                    "interval": interval,
                    "price_amount": price,
                    "currency": "CNY",
                    "technical_fee_bps": bps,
                    "trial_days": trial,
                    "staff_seats": seats,
                    "max_products": products,
                },
            )
