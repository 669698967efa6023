"""What other shop apps may use of distribution. The ledger itself listens to order events only: the orders
code never calls distribution (a share code rides on the order and its events as `ref`)."""

from . import services
from .selectors import balances, bound_distributor_codes, distributor_of, upline_of

__all__ = ["balances", "bind_registered_member", "bound_distributor_codes", "distributor_of", "upline_of"]


def bind_registered_member(*, member, ref: str) -> None:
    """Members' registration calls this inside its transaction when the new member came through a share link:
    bind to the distributor of `ref` (first touch). An unknown, unapproved or another shop's code -> Invalid
    with `errors.ref`, so the registration is refused and nothing is created."""
    if ref:
        services.bind(member=member, code=ref, source="register")
