"""The one writer: a shop's day as its data centre rolled it up (idempotent; the newest rollup wins)."""

from datetime import date, datetime

from django.db import transaction

from .models import ShopDayStat

FIGURES = ("visitors", "pv", "orders", "paid_orders", "gmv_amount", "paying_members")


def store_day(*, shop, payload: dict) -> ShopDayStat | None:
    day = date.fromisoformat(payload["day"])
    rolled_at = datetime.fromisoformat(payload["rolled_at"])
    figures = {name: int(payload.get(name) or 0) for name in FIGURES}
    with transaction.atomic():
        row = ShopDayStat.objects.select_for_update().filter(shop=shop, day=day).first()
        if row is None:
            return ShopDayStat.objects.create(shop=shop, day=day, rolled_at=rolled_at, **figures)
        if rolled_at < row.rolled_at:
            return None
        for name, value in figures.items():
            setattr(row, name, value)
        row.rolled_at = rolled_at
        row.save()
    return row
