"""Where order prices come from: checkout's quote, the shop's one price engine. Orders never price themselves."""

try:
    from tenant_apps.checkout.interface import quote
except ImportError:  # INTERIM until branch `pricing` is merged: list prices, no discounts, no shipping
    from dataclasses import dataclass, field

    from micromall.errors import Invalid
    from tenant_apps.catalog.models import ProductStatus, Sku

    @dataclass
    class _Line:
        sku_id: int
        product_id: int
        quantity: int
        unit_price_amount: int
        subtotal_amount: int
        discount_amount: int = 0
        total_amount: int = 0
        allocations: list = field(default_factory=list)

    @dataclass
    class _Priced:
        lines: list
        subtotal_amount: int
        discount_amount: int
        shipping_amount: int
        total_amount: int
        applied: list

    def quote(*, items, member=None, address=None, lock_skus=False):
        skus = Sku.objects.filter(pk__in=[s for s, _ in items], product__status=ProductStatus.ACTIVE).in_bulk()
        errors = {f"items.{i}.sku_id": ["Unknown SKU."] for i, (s, _) in enumerate(items) if s not in skus}
        if errors:
            raise Invalid(errors=errors)
        lines = [
            _Line(s, skus[s].product_id, q, skus[s].price_amount, skus[s].price_amount * q, 0, skus[s].price_amount * q)
            for s, q in items
        ]
        total = sum(line.total_amount for line in lines)
        return _Priced(lines, total, 0, 0, total, [])
