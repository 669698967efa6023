"""Reads: the shopper's cart priced by the engine, the address book."""

from typing import Any

from django.core.files.storage import default_storage
from django.db.models import QuerySet

from tenant_apps.catalog.interface import skus_for_sale
from tenant_apps.pricing.interface import LineInput, SkuPrice, price_order, sku_unit_prices

from .models import Address, Cart, CartLine
from .services import cart_token_digest

IN_STOCK, INSUFFICIENT, SOLD_OUT, UNAVAILABLE = "in_stock", "insufficient", "sold_out", "unavailable"


def find_cart(*, member=None, token: str | None = None) -> Cart | None:
    if member is not None:
        return Cart.objects.filter(member=member).first()
    if token:
        return Cart.objects.filter(token=cart_token_digest(token), member__isnull=True).first()
    return None


def stock_state(*, on_sale: bool, stock: int, quantity: int) -> str:
    if not on_sale:
        return UNAVAILABLE
    if stock <= 0:
        return SOLD_OUT
    return IN_STOCK if quantity <= stock else INSUFFICIENT


def cart_contents(cart: Cart | None, currency: str) -> dict[str, Any]:
    """Lines with the SKU's title, specs, image, engine unit price, stock state; totals over the selected lines
    that can be bought now (3 queries: lines, SKUs, images)."""
    lines = list(CartLine.objects.filter(cart=cart).order_by("-created", "-id")) if cart else []
    skus = skus_for_sale(line.sku_id for line in lines)
    lines = [line for line in lines if line.sku_id in skus]
    member_id = cart.member_id if cart else None  # a member's cart shows the member's prices, as checkout charges
    units = sku_unit_prices(
        (
            SkuPrice(sku_id=sku.id, product_id=sku.product_id, list_price_amount=sku.price_amount)
            for sku in skus.values()
        ),
        member_id=member_id,
    )
    rows = []
    for line in lines:
        sku = skus[line.sku_id]
        state = stock_state(on_sale=sku.on_sale, stock=sku.stock, quantity=line.quantity)
        rows.append(
            {
                "id": line.pk,
                "sku_id": sku.id,
                "product_id": sku.product_id,
                "title": sku.title,
                "specs": sku.specs,
                "image_url": default_storage.url(sku.image) if sku.image else None,
                "quantity": line.quantity,
                "selected": line.selected,
                "unit_price_amount": units[sku.id],
                "stock": max(sku.stock, 0) if sku.on_sale else 0,
                "stock_state": state,
                "discount_amount": 0,
                "total_amount": units[sku.id] * line.quantity,
            }
        )
    buyable = [row for row in rows if row["selected"] and row["stock_state"] == IN_STOCK]
    priced = price_order(
        lines=[
            LineInput(
                sku_id=row["sku_id"],
                product_id=row["product_id"],
                category_id=skus[row["sku_id"]].category_id,
                quantity=row["quantity"],
                list_price_amount=skus[row["sku_id"]].price_amount,
                weight_grams=skus[row["sku_id"]].weight_grams,
            )
            for row in buyable
        ],
        member_id=member_id,
    )
    for row, priced_line in zip(buyable, priced.lines, strict=True):
        row.update(
            unit_price_amount=priced_line.unit_price_amount,
            discount_amount=priced_line.discount_amount,
            total_amount=priced_line.total_amount,
        )
    return {
        "lines": rows,
        "count": sum(row["quantity"] for row in rows),
        "selected_count": sum(row["quantity"] for row in buyable),
        "subtotal_amount": priced.subtotal_amount,
        "discount_amount": priced.discount_amount,
        "total_amount": priced.subtotal_amount - priced.discount_amount,
        "currency": currency,
        "checkout_items": [{"sku_id": row["sku_id"], "quantity": row["quantity"]} for row in buyable],
    }


def member_addresses(member) -> QuerySet[Address]:
    return Address.objects.filter(member=member).order_by("-is_default", "-created", "-id")


def member_address(*, member, address_id: int) -> Address | None:
    return Address.objects.filter(member=member, pk=address_id).first()
