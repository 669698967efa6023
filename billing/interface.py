"""Billing's public face for other apps (the tenancy door re-exports what shop code may ask)."""

from .models import Subscription


def technical_fee_bps(shop) -> int | None:
    """The technical fee rate (basis points) of the shop's plan; None when the shop has no subscription."""
    return Subscription.objects.filter(shop_id=shop.pk).values_list("plan__technical_fee_bps", flat=True).first()


def start_trial(*, shop) -> None:
    """A new shop's trial on the default plan (signup and 'open another shop' call this)."""
    from .services import start_trial as _start_trial

    _start_trial(shop=shop)


def move_billing_to_shop(*, shop, email: str = "", now=None) -> None:
    """After a hand-over the shop pays for itself (its own billing account), no longer its agency (in Stripe mode
    its item leaves the agency's subscription and a subscription starts on the client's own customer)."""
    from .services import move_billing_to_shop as _move

    _move(shop=shop, email=email, now=now)


def shop_billing_summary(shop_ids) -> dict[int, dict]:
    """{shop_id: {"plan": code or None, "gmv_amount_30d": fen}} for dashboards (agency, operator)."""
    from .selectors import gmv_30d

    plans = dict(Subscription.objects.filter(shop_id__in=shop_ids).values_list("shop_id", "plan__code"))
    gmv = gmv_30d(shop_ids)
    return {pk: {"plan": plans.get(pk), "gmv_amount_30d": gmv.get(pk, 0)} for pk in shop_ids}


def staff_seat_limit(shop) -> int | None:
    """Staff seats the shop's plan allows (owner included); None without a subscription."""
    return Subscription.objects.filter(shop_id=shop.pk).values_list("plan__staff_seats", flat=True).first()


def mrr_amount_at(at) -> int:
    """Monthly recurring revenue (fen) of the paying subscriptions at `at` (the operator's dashboard)."""
    from .selectors import mrr_amount

    return mrr_amount(at)


def churned_shop_ids(start, end) -> set[int]:
    """Shops whose subscription was cancelled in [start, end) (churn on the operator's dashboard)."""
    return set(
        Subscription.objects.filter(canceled_at__gte=start, canceled_at__lt=end).values_list("shop_id", flat=True)
    )
