"""Marketing fixtures: shop A's and shop B's catalogs (tea ¥129.00, cup ¥35.50)."""

from tests.orders.conftest import catalog_a, catalog_b  # noqa: F401  (fixtures)
