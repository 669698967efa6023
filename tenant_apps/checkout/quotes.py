"""`quote()`: the priced order for a list of (sku_id, quantity). What the preview shows and what orders charge.

Contract (docs/checkout.md): loads the SKUs through catalog.interface, the shop's default shipping template
and the address's province, runs the price engine (pricing.interface) and returns a CheckoutQuote: the
engine's PricedOrder plus the SKU snapshots and currency. Bad items raise Invalid with `items.<i>.<field>`
messages; a quantity above stock raises Conflict(sku_id=...). Nothing is written.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from micromall.errors import Conflict, Invalid
from shared_apps.tenancy.interface import current_shop
from tenant_apps.catalog.interface import SkuForSale, skus_for_sale
from tenant_apps.pricing.interface import LineInput, PricedOrder, default_shipping_rule, price_order

from .models import Address

MAX_LINES = 100
MAX_QUANTITY = 9999


@dataclass(frozen=True)
class CheckoutQuote(PricedOrder):
    """A PricedOrder (engine output) plus what checkout looked up to price it."""

    currency: str = "CNY"
    skus: Mapping[int, SkuForSale] = field(default_factory=dict)
    address: Address | None = None


def _whole(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def check_items(items: Sequence) -> list[tuple[int, int]]:
    """Items as [(sku_id, quantity)] checked for shape; Invalid with `items.<i>.<field>` messages."""
    if not isinstance(items, (list, tuple)) or not items:
        raise Invalid(errors={"items": [_("Add at least one item.")]})
    if len(items) > MAX_LINES:
        raise Invalid(errors={"items": [_("At most %(count)d different items per order.") % {"count": MAX_LINES}]})
    errors: dict[str, list[str]] = {}
    seen: set[int] = set()
    clean = []
    for index, item in enumerate(items):
        if not isinstance(item, (list, tuple)) or len(item) != 2:
            errors[f"items.{index}"] = [_("Give sku_id and quantity.")]
            continue
        sku_id, quantity = item
        if not _whole(sku_id) or not 0 < sku_id < 2**63:
            errors[f"items.{index}.sku_id"] = [_("Not a valid SKU id.")]
        elif sku_id in seen:
            errors[f"items.{index}.sku_id"] = [_("This SKU is listed twice.")]
        seen.add(sku_id if _whole(sku_id) else -1)
        if not _whole(quantity) or not 1 <= quantity <= MAX_QUANTITY:
            errors[f"items.{index}.quantity"] = [
                _("Quantity must be a whole number from 1 to %(max)d.") % {"max": MAX_QUANTITY}
            ]
        clean.append((sku_id, quantity))
    if errors:
        raise Invalid(errors=errors)
    return clean


def resolve_address(*, member, address) -> Address | None:
    """An Address instance or id of `member`'s address book; Invalid(address_id) otherwise."""
    if address is None or isinstance(address, Address):
        if isinstance(address, Address) and (member is None or address.member_id != member.pk):
            raise Invalid(errors={"address_id": [_("No such address in your address book.")]})
        return address
    if not _whole(address) or member is None:
        raise Invalid(errors={"address_id": [_("No such address in your address book.")]})
    found = Address.objects.filter(pk=address, member=member).first() if 0 < address < 2**63 else None
    if found is None:
        raise Invalid(errors={"address_id": [_("No such address in your address book.")]})
    return found


def quote(
    *,
    items: Sequence[tuple[int, int]],
    member=None,
    address: Address | int | None = None,
    lock_skus: bool = False,
    check_stock: bool = True,
) -> CheckoutQuote:
    """Price `items` for `member` shipped to `address` (its province sets any surcharge; None: no surcharge).

    `lock_skus=True` row-locks the SKUs in id order (call it inside the caller's transaction).
    """
    clean = check_items(items)
    address = resolve_address(member=member, address=address)
    skus = skus_for_sale((sku_id for sku_id, _quantity in clean), lock=lock_skus)
    errors: dict[str, list[str]] = {}
    for index, (sku_id, _quantity) in enumerate(clean):
        sku = skus.get(sku_id)
        if sku is None or not sku.on_sale:
            errors[f"items.{index}.sku_id"] = [_("This product is not for sale.")]
    if errors:
        raise Invalid(errors=errors)
    if check_stock:
        for sku_id, quantity in clean:
            if quantity > skus[sku_id].stock:
                raise Conflict(
                    _("Only %(stock)d left of “%(title)s”.")
                    % {"stock": skus[sku_id].stock, "title": skus[sku_id].title},
                    sku_id=sku_id,
                    available=skus[sku_id].stock,
                )
    priced = price_order(
        lines=[
            LineInput(
                sku_id=sku_id,
                product_id=skus[sku_id].product_id,
                category_id=skus[sku_id].category_id,
                quantity=quantity,
                list_price_amount=skus[sku_id].price_amount,
                weight_grams=skus[sku_id].weight_grams,
            )
            for sku_id, quantity in clean
        ],
        shipping=default_shipping_rule(),
        province=address.province if address else None,
    )
    shop = current_shop()
    return CheckoutQuote(
        **{name: getattr(priced, name) for name in PricedOrder.__dataclass_fields__},
        currency=shop.currency if shop else "CNY",
        skus={sku_id: skus[sku_id] for sku_id, _quantity in clean},
        address=address,
    )
