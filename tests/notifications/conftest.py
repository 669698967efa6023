"""The orders and after-sales fixtures (catalog, buyers, test payments allowed)."""

from tests.aftersales.conftest import _test_payments_allowed  # noqa: F401  (fixtures)
from tests.orders.conftest import _empty_deadline_index, buyer_a, buyer_a2, catalog_a  # noqa: F401
