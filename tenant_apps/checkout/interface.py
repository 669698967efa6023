"""What other shop apps may call in checkout. See docs/checkout.md for the contract."""

from .extensions import (
    ACTIVITY_TYPES,
    ActivityRef,
    CheckoutExtension,
    Contribution,
    PlacedLine,
    PlacedOrder,
    QuoteRequest,
    extensions,
    register_checkout_extension,
    unregister_checkout_extension,
)
from .models import Address
from .quotes import MAX_QUANTITY, CheckoutQuote, quote, resolve_address
from .services import merge_guest_cart

__all__ = [
    "ACTIVITY_TYPES",
    "MAX_QUANTITY",
    "ActivityRef",
    "Address",
    "CheckoutExtension",
    "CheckoutQuote",
    "Contribution",
    "PlacedLine",
    "PlacedOrder",
    "QuoteRequest",
    "extensions",
    "merge_cart_at_sign_in",
    "quote",
    "register_checkout_extension",
    "resolve_address",
    "unregister_checkout_extension",
]

CART_COOKIE = "mm_cart"


def merge_cart_at_sign_in(*, request, response, member) -> None:
    """Called by the members sign-in/register endpoints: the guest cart of this browser joins the member's."""
    token = request.COOKIES.get(CART_COOKIE)
    if token:
        merge_guest_cart(member=member, token=token)
        response.delete_cookie(CART_COOKIE, samesite="Lax")
