"""What other shop apps may use of loyalty: balances and levels (read-only). Everything else reaches loyalty
through registries it fills in ready(): the checkout extension (points), item offers (level discounts),
order events, and the members profile extras (GET /store/me)."""

from .selectors import growth_of, level_of, points_balance

__all__ = ["growth_of", "level_of", "points_balance"]
