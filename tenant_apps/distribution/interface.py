"""What other shop apps may use of distribution (nothing yet beyond the order events it listens to)."""

from .selectors import balances, bound_distributor_codes, distributor_of, upline_of

__all__ = ["balances", "bound_distributor_codes", "distributor_of", "upline_of"]
