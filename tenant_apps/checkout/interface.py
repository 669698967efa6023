"""What other shop apps may call in checkout. See docs/checkout.md for the contract."""

from .models import Address
from .quotes import MAX_QUANTITY, CheckoutQuote, quote, resolve_address
from .services import merge_guest_cart

__all__ = ["MAX_QUANTITY", "Address", "CheckoutQuote", "merge_cart_at_sign_in", "quote", "resolve_address"]

CART_COOKIE = "mm_cart"


def merge_cart_at_sign_in(*, request, response, member) -> None:
    """Called by the members sign-in/register endpoints: the guest cart of this browser joins the member's."""
    token = request.COOKIES.get(CART_COOKIE)
    if token:
        merge_guest_cart(member=member, token=token)
        response.delete_cookie(CART_COOKIE, samesite="Lax")
