"""`quote()`: the priced order for a list of (sku_id, quantity). What the preview shows and what orders charge.

Contract (docs/checkout.md): loads the SKUs through catalog.interface, the shop's default shipping template
and the address's province, runs the price engine (pricing.interface) and returns a CheckoutQuote: the
engine's PricedOrder plus the SKU snapshots and currency. Bad items raise Invalid with `items.<i>.<field>`
messages; a quantity above stock raises Conflict(sku_id=...). Nothing is written.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from micromall.compiled import CompiledQuery
from micromall.errors import Conflict, Invalid
from shared_apps.tenancy.interface import current_shop
from tenant_apps.catalog.interface import SkuForSale, skus_for_order, skus_for_sale
from tenant_apps.pricing import interface as pricing
from tenant_apps.pricing.interface import LineInput, PricedOrder, default_shipping_rule, price_order

from .extensions import ACTIVITY_TYPES, ActivityRef, Contribution, QuoteRequest, collect, screen
from .models import Address

MAX_LINES = 100
MAX_QUANTITY = 9999


@dataclass(frozen=True)
class CheckoutQuote(PricedOrder):
    """A PricedOrder (engine output) plus what checkout looked up to price it."""

    currency: str = "CNY"
    skus: Mapping[int, SkuForSale] = field(default_factory=dict)
    address: Address | None = None
    # What the quote was asked and what each checkout extension contributed (orders hands both to on_place).
    request: QuoteRequest | None = None
    contributions: Mapping[str, Contribution] = field(default_factory=dict)


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


# The member's address by id: read on every order placement, so compiled once per process.
_ADDRESS_OF_MEMBER = CompiledQuery(
    lambda pk, member_id: Address.objects.filter(pk=pk, member_id=member_id).order_by("pk")[:1]
)


def resolve_address(*, member, address) -> Address | None:
    """An Address instance or id of `member`'s address book; Invalid(address_id) otherwise."""
    if address is None or isinstance(address, Address):
        if isinstance(address, Address) and (member is None or address.member_id != member.pk):
            raise Invalid(errors={"address_id": [_("No such address in your address book.")]})
        return address
    if not _whole(address) or member is None:
        raise Invalid(errors={"address_id": [_("No such address in your address book.")]})
    found = _ADDRESS_OF_MEMBER.first(address, member.pk) if 0 < address < 2**63 else None
    if found is None:
        raise Invalid(errors={"address_id": [_("No such address in your address book.")]})
    return found


def check_activity(activity) -> ActivityRef | None:
    """`activity` of a request ({type, id, group_id?, group_size?} or an ActivityRef) checked for shape."""
    if activity is None or isinstance(activity, ActivityRef):
        return activity
    if not isinstance(activity, Mapping):
        raise Invalid(errors={"activity": [_("Give the activity's type and id.")]})
    errors = {}
    kind, activity_id, group_id = activity.get("type"), activity.get("id"), activity.get("group_id")
    if kind not in ACTIVITY_TYPES:
        errors["activity.type"] = [_("Unknown activity type.")]
    if not _whole(activity_id) or not 0 < activity_id < 2**63:
        errors["activity.id"] = [_("Not a valid activity id.")]
    if group_id is not None and (not _whole(group_id) or not 0 < group_id < 2**63):
        errors["activity.group_id"] = [_("Not a valid group id.")]
    group_size = activity.get("group_size")
    if group_size is not None and (not _whole(group_size) or not 2 <= group_size <= 1000):
        errors["activity.group_size"] = [_("Not a valid group size.")]
    if errors:
        raise Invalid(errors=errors)
    return ActivityRef(type=kind, id=activity_id, group_id=group_id, group_size=group_size)


def _refuse_unhandled(request: QuoteRequest, contributions: Mapping[str, Contribution]) -> None:
    handled = set().union(*(c.handles for c in contributions.values())) if contributions else set()
    errors = {}
    if request.coupon_code and "coupon_code" not in handled:
        errors["coupon_code"] = [_("Coupons are not available in this shop.")]
    if request.points and "points" not in handled:
        errors["points"] = [_("Paying with points is not available in this shop.")]
    if request.activity is not None and "activity" not in handled:
        errors["activity"] = [_("This activity is not available.")]
    if errors:
        raise Invalid(errors=errors)


def quote(
    *,
    items: Sequence[tuple[int, int]],
    member=None,
    address: Address | int | None = None,
    lock_skus: bool = False,
    check_stock: bool = True,
    coupon_code: str | None = None,
    points: int | None = None,
    activity=None,
    placing: bool = False,
) -> CheckoutQuote:
    """Price `items` for `member` shipped to `address` (its province sets any surcharge; None: no surcharge),
    with the coupon, points and activity asked for, through the registered checkout extensions.

    `lock_skus=True` row-locks the SKUs in id order (call it inside the caller's transaction); `placing=True`
    tells the extensions they run inside place_order's transaction.
    """
    clean = check_items(items)
    activity = check_activity(activity)
    screen(activity=activity, items=tuple(clean))
    if points is not None and (not _whole(points) or points < 0):
        raise Invalid(errors={"points": [_("Points must be a whole number, 0 or more.")]})
    address = resolve_address(member=member, address=address)
    wanted = (sku_id for sku_id, _quantity in clean)
    # Placing: the SKUs' snapshot of the current catalog version, with live stock (the hot path of a sale).
    skus = skus_for_order(wanted) if placing and not lock_skus else skus_for_sale(wanted, lock=lock_skus)
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
    now = pricing.current_time()  # looked up at call time: tests stand the pricing clock where they need it
    request = QuoteRequest(
        member=member,
        items=tuple(clean),
        skus={sku_id: skus[sku_id] for sku_id, _quantity in clean},
        now=now,
        coupon_code=coupon_code or None,
        points=points or None,
        activity=activity,
        placing=placing,
    )
    contributions = collect(request)
    _refuse_unhandled(request, contributions)
    parts = list(contributions.values())
    activity_prices = {sku_id: price for part in parts for sku_id, price in part.activity_prices.items()}
    priced = price_order(
        lines=[
            LineInput(
                sku_id=sku_id,
                product_id=skus[sku_id].product_id,
                category_id=skus[sku_id].category_id,
                quantity=quantity,
                list_price_amount=skus[sku_id].price_amount,
                weight_grams=skus[sku_id].weight_grams,
                activity_price_amount=activity_prices.get(sku_id),
            )
            for sku_id, quantity in clean
        ],
        shipping=default_shipping_rule(),
        province=address.province if address else None,
        now=now,
        member_id=request.member_id,
        promotions=[promotion for part in parts for promotion in part.promotions],
        coupons=[coupon for part in parts for coupon in part.coupons],
        points=next((part.points for part in parts if part.points is not None), None),
        extra_offers=[offer for part in parts for offer in part.item_offers],
    )
    shop = current_shop()
    return CheckoutQuote(
        **{name: getattr(priced, name) for name in PricedOrder.__dataclass_fields__},
        currency=shop.currency if shop else "CNY",
        skus=request.skus,
        address=address,
        request=request,
        contributions=contributions,
    )
