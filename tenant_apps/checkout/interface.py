"""What other shop apps (orders) may call in checkout. See docs/checkout.md for the contract."""

from .quotes import MAX_QUANTITY, CheckoutQuote, quote, resolve_address

__all__ = ["MAX_QUANTITY", "CheckoutQuote", "quote", "resolve_address"]
