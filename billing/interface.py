"""Billing's public face for other apps (the tenancy door re-exports what shop code may ask)."""

from .models import Subscription


def technical_fee_bps(shop) -> int | None:
    """The technical fee rate (basis points) of the shop's plan; None when the shop has no subscription."""
    return Subscription.objects.filter(shop_id=shop.pk).values_list("plan__technical_fee_bps", flat=True).first()


def start_trial(*, shop) -> None:
    """A new shop's trial on the default plan (signup and 'open another shop' call this)."""
    from .services import start_trial as _start_trial

    _start_trial(shop=shop)
