"""What other shop apps may use of flash sales: nothing beyond the checkout extension and the order events it
listens to (registered in apps.py). The storefront page lives in this app (pages.py)."""

from .selectors import store_sessions

__all__ = ["store_sessions"]
