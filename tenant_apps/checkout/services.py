"""Writers for carts and address books. Keyword-only, one transaction each; domain errors only."""

import hashlib
import re
import secrets
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from micromall.errors import Invalid, NotFound
from tenant_apps.catalog.interface import skus_for_sale
from tenant_apps.pricing.interface import canonical_province

from .models import Address, Cart, CartLine
from .quotes import MAX_QUANTITY

MOBILE = re.compile(r"1[3-9][0-9]{9}")  # fullmatch, ASCII digits only (\d takes any script's digits)
POSTAL_CODE = re.compile(r"[0-9]{6}")
MAX_ADDRESSES = 50
MAX_CART_LINES = 100
ADDRESS_TEXT = {"name": 50, "city": 50, "district": 50, "line1": 200}
ADDRESS_FIELDS = ("name", "phone", "province", "city", "district", "line1", "postal_code", "is_default")


# --- address book ------------------------------------------------------------------------------------------


def clean_address_fields(data: dict[str, Any], *, partial: bool) -> dict[str, Any]:
    errors: dict[str, list[str]] = {}
    clean: dict[str, Any] = {}
    for key in sorted(set(data) - set(ADDRESS_FIELDS)):
        errors[key] = [_("Unknown field.")]
    for key, limit in ADDRESS_TEXT.items():
        if key not in data:
            if not partial:
                errors[key] = [_("This field is required.")]
            continue
        value = data[key]
        if not isinstance(value, str) or not value.strip() or "\x00" in value:
            errors[key] = [_("This field is required.")]
        elif any("\ud800" <= char <= "\udfff" for char in value):  # not storable text (a broken character)
            errors[key] = [_("Contains a character that is not valid text.")]
        elif len(value.strip()) > limit:
            errors[key] = [_("At most %(count)d characters.") % {"count": limit}]
        else:
            clean[key] = value.strip()
    if "phone" in data:
        phone = data["phone"].strip().replace(" ", "").replace("-", "") if isinstance(data["phone"], str) else ""
        if not MOBILE.fullmatch(phone):
            errors["phone"] = [_("Enter a mainland China mobile number: 11 digits starting with 1, e.g. 13812345678.")]
        else:
            clean["phone"] = phone
    elif not partial:
        errors["phone"] = [_("This field is required.")]
    if "province" in data:
        province = canonical_province(data["province"]) if isinstance(data["province"], str) else None
        if province is None:
            errors["province"] = [_("Choose a province of China, e.g. 浙江 or 浙江省.")]
        else:
            clean["province"] = province
    elif not partial:
        errors["province"] = [_("This field is required.")]
    if data.get("postal_code") not in (None, ""):
        if not isinstance(data["postal_code"], str) or not POSTAL_CODE.fullmatch(data["postal_code"].strip()):
            errors["postal_code"] = [_("A postal code is 6 digits.")]
        else:
            clean["postal_code"] = data["postal_code"].strip()
    elif "postal_code" in data:
        clean["postal_code"] = ""
    if "is_default" in data:
        if not isinstance(data["is_default"], bool):
            errors["is_default"] = [_("Must be true or false.")]
        else:
            clean["is_default"] = data["is_default"]
    if errors:
        raise Invalid(errors=errors)
    return clean


def _own_address(*, member, address_id: int, lock: bool = False) -> Address:
    if lock:
        _lock_member_addresses(member)
    addresses = Address.objects
    address = addresses.filter(pk=address_id, member=member).first()
    if address is None:
        raise NotFound(_("No such address."))
    return address


def _make_default(address: Address) -> None:
    Address.objects.filter(member_id=address.member_id, is_default=True).exclude(pk=address.pk).update(is_default=False)
    Address.objects.filter(pk=address.pk).update(is_default=True)
    address.is_default = True


def _lock_member_addresses(member) -> list[Address]:
    # The member row orders one member's address writes, so "first address is the default" holds under concurrency.
    type(member).objects.select_for_update().filter(pk=member.pk).first()
    return list(Address.objects.filter(member=member).order_by("pk"))


@transaction.atomic
def create_address(*, member, data: dict[str, Any]) -> Address:
    fields = clean_address_fields(data, partial=False)
    existing = _lock_member_addresses(member)
    if len(existing) >= MAX_ADDRESSES:
        raise Invalid(_("An address book holds at most %(count)d addresses.") % {"count": MAX_ADDRESSES})
    make_default = fields.pop("is_default", False) or not any(a.is_default for a in existing)
    address = Address.objects.create(member=member, **fields)
    if make_default:
        _make_default(address)
    return address


@transaction.atomic
def update_address(*, member, address_id: int, data: dict[str, Any]) -> Address:
    address = _own_address(member=member, address_id=address_id, lock=True)
    fields = clean_address_fields(data, partial=True)
    make_default = fields.pop("is_default", None)
    if make_default is False and address.is_default:
        raise Invalid(errors={"is_default": [_("Make another address the default instead.")]})
    for key, value in fields.items():
        setattr(address, key, value)
    address.save()
    if make_default:
        _make_default(address)
    return address


@transaction.atomic
def set_default_address(*, member, address_id: int) -> Address:
    address = _own_address(member=member, address_id=address_id, lock=True)
    _make_default(address)
    return address


@transaction.atomic
def delete_address(*, member, address_id: int) -> None:
    address = _own_address(member=member, address_id=address_id, lock=True)
    address.delete()
    if address.is_default:
        successor = Address.objects.filter(member=member).order_by("-created", "-id").first()
        if successor is not None:
            _make_default(successor)


# --- cart --------------------------------------------------------------------------------------------------

CART_TOKEN_BYTES = 24


def cart_token_digest(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def _check_quantity(value: Any, field: str = "quantity") -> int:
    if not isinstance(value, int) or isinstance(value, bool) or not 1 <= value <= MAX_QUANTITY:
        raise Invalid(errors={field: [_("Quantity must be a whole number from 1 to %(max)d.") % {"max": MAX_QUANTITY}]})
    return value


def _sku_on_sale(sku_id: Any):
    if not isinstance(sku_id, int) or isinstance(sku_id, bool) or not 0 < sku_id < 2**63:
        raise Invalid(errors={"sku_id": [_("Not a valid SKU id.")]})
    sku = skus_for_sale([sku_id]).get(sku_id)
    if sku is None or not sku.on_sale:
        raise Invalid(errors={"sku_id": [_("This product is not for sale.")]})
    return sku


def _refuse_over_stock(quantity: int, stock: int) -> None:
    if quantity > stock:
        message = _("Only %(stock)d left in stock.") % {"stock": stock} if stock else _("This item is sold out.")
        raise Invalid(errors={"quantity": [message]}, available=stock)


def _cart_for_update(*, member, token: str | None) -> Cart | None:
    carts = Cart.objects.select_for_update()
    if member is not None:
        return carts.filter(member=member).first()
    if token:
        return carts.filter(token=cart_token_digest(token), member__isnull=True).first()
    return None


@transaction.atomic
def add_to_cart(*, member=None, token: str | None = None, sku_id: Any, quantity: Any) -> tuple[Cart, str | None]:
    """Add `quantity` of a SKU (summed with what the cart holds), refused above stock with the number left.

    A guest without a cart gets one: the second value is the new raw cookie token (None otherwise).
    """
    quantity = _check_quantity(quantity)
    sku = _sku_on_sale(sku_id)
    new_token = None
    cart = _cart_for_update(member=member, token=token)
    if cart is None:
        if member is not None:
            cart, _created = Cart.objects.get_or_create(member=member)
            cart = Cart.objects.select_for_update().get(pk=cart.pk)
        else:
            new_token = secrets.token_urlsafe(CART_TOKEN_BYTES)
            cart = Cart.objects.create(token=cart_token_digest(new_token))
    line = CartLine.objects.filter(cart=cart, sku_id=sku.id).first()
    total = quantity + (line.quantity if line else 0)
    _check_quantity(total)
    _refuse_over_stock(total, sku.stock)
    if line is None:
        if cart.lines.count() >= MAX_CART_LINES:
            raise Invalid(_("A cart holds at most %(count)d different items.") % {"count": MAX_CART_LINES})
        CartLine.objects.create(cart=cart, sku_id=sku.id, quantity=total)
    else:
        CartLine.objects.filter(pk=line.pk).update(quantity=total, selected=True)
    Cart.objects.filter(pk=cart.pk).update(updated=timezone.now())
    return cart, new_token


@transaction.atomic
def update_cart_line(*, cart: Cart | None, line_id: int, quantity: Any = None, selected: Any = None) -> CartLine:
    line = CartLine.objects.select_for_update().filter(pk=line_id, cart=cart).first() if cart else None
    if line is None:
        raise NotFound(_("No such line in your cart."))
    if quantity is None and selected is None:
        raise Invalid(errors={"quantity": [_("Give quantity and/or selected.")]})
    if selected is not None:
        if not isinstance(selected, bool):
            raise Invalid(errors={"selected": [_("Must be true or false.")]})
        line.selected = selected
    if quantity is not None:
        line.quantity = _check_quantity(quantity)
        sku = skus_for_sale([line.sku_id]).get(line.sku_id)
        if sku is None or not sku.on_sale:  # as adding it would be (the line stays, shown as not for sale)
            raise Invalid(errors={"quantity": [_("This product is not for sale.")]})
        _refuse_over_stock(line.quantity, sku.stock)
    line.save(update_fields=["quantity", "selected"])
    return line


@transaction.atomic
def select_all_cart_lines(*, cart: Cart | None, selected: Any) -> None:
    if not isinstance(selected, bool):
        raise Invalid(errors={"selected": [_("Must be true or false.")]})
    if cart is not None:
        CartLine.objects.filter(cart=cart).update(selected=selected)


@transaction.atomic
def remove_cart_line(*, cart: Cart | None, line_id: int) -> None:
    deleted, _rows = CartLine.objects.filter(pk=line_id, cart=cart).delete() if cart else (0, {})
    if not deleted:
        raise NotFound(_("No such line in your cart."))


@transaction.atomic
def merge_guest_cart(*, member, token: str | None) -> Cart | None:
    """Move a guest cart's lines into the member's cart at sign-in: same SKU -> quantities added, capped at
    stock (the shopper never loses a line to an error here), new lines only while the cart has room for them
    (MAX_CART_LINES); the guest cart is deleted."""
    if not token:
        return None
    guest = Cart.objects.select_for_update().filter(token=cart_token_digest(token), member__isnull=True).first()
    if guest is None:
        return None
    cart, _created = Cart.objects.get_or_create(member=member)
    cart = Cart.objects.select_for_update().get(pk=cart.pk)
    guest_lines = list(guest.lines.all())
    stock = {sku_id: sku.stock for sku_id, sku in skus_for_sale(line.sku_id for line in guest_lines).items()}
    mine = {line.sku_id: line for line in CartLine.objects.filter(cart=cart)}
    room = MAX_CART_LINES - len(mine)
    for line in guest_lines:
        existing = mine.get(line.sku_id)
        if existing is None and room <= 0:
            continue  # the member's cart is full: beyond MAX_CART_LINES checkout would refuse the whole cart
        room -= existing is None
        wanted = line.quantity + (existing.quantity if existing else 0)
        capped = max(1, min(wanted, stock.get(line.sku_id, 0), MAX_QUANTITY))
        if existing:
            CartLine.objects.filter(pk=existing.pk).update(quantity=capped, selected=existing.selected or line.selected)
        else:
            CartLine.objects.create(cart=cart, sku_id=line.sku_id, quantity=capped, selected=line.selected)
    guest.delete()
    return cart
