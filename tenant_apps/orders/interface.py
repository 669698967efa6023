"""What other apps (and the platform's payment webhook intake) may call in orders.

Run it in the shop's schema (e.g. inside `run_in_shop(shop, ...)`).
"""

from .models import Carrier
from .services import handle_stripe_event, order_settings

__all__ = ["carrier_label", "handle_stripe_event", "return_window_days"]


def carrier_label(code: str) -> str:
    """The carrier's name in the active language (its code when unknown)."""
    return str(Carrier(code).label) if code in Carrier.values else code


def return_window_days() -> int:
    """The shop's no-reason return window, in days after completion (after-sales settings; 7 by default)."""
    return order_settings().return_window_days
