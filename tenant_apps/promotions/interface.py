"""What other shop apps may use of promotions: nothing but what it registers from ready() (checkout extension,
item offers, price boundaries, storefront badges) and the read below."""

from .selectors import cart_progress

__all__ = ["cart_progress"]
