"""What other apps (and the platform's payment webhook intake) may call in orders.

Run it in the shop's schema (e.g. inside `run_in_shop(shop, ...)`).
"""

from .services import handle_stripe_event

__all__ = ["handle_stripe_event"]
