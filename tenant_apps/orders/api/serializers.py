"""Order API shapes (API.md: orders, pay, cancel, confirm-receipt; merchant order list and detail)."""

import re

from django.core.files.storage import default_storage
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from tenant_apps.checkout.interface import ACTIVITY_TYPES, MAX_QUANTITY

from ..models import (
    AfterSale,
    AfterSaleLine,
    AfterSaleType,
    Carrier,
    Order,
    OrderLine,
    OrderStatus,
    Payment,
    PaymentMethod,
    Refund,
    Shipment,
    ShipmentLine,
)

MAX_LINES = 100  # the quote's own limit


class OrderItemInput(serializers.Serializer):
    sku_id = serializers.IntegerField(min_value=1, max_value=2**63 - 1)
    quantity = serializers.IntegerField(
        min_value=1,
        max_value=MAX_QUANTITY,
        error_messages={"min_value": _("Quantity must be at least 1."), "invalid": _("Quantity must be a number.")},
    )


class ActivitySerializer(serializers.Serializer):
    type = serializers.CharField()
    id = serializers.IntegerField()
    group_id = serializers.IntegerField(allow_null=True)


class ActivityInput(serializers.Serializer):
    """The activity that prices the order (API.md): a flash sale, a group buy (join `group_id`) or a bargain."""

    type = serializers.ChoiceField(choices=ACTIVITY_TYPES)
    id = serializers.IntegerField(min_value=1, max_value=2**63 - 1)
    group_id = serializers.IntegerField(min_value=1, max_value=2**63 - 1, required=False, allow_null=True)
    group_size = serializers.IntegerField(
        min_value=2, max_value=1000, required=False, allow_null=True, help_text="group buy: the ladder tier to open"
    )


class OrderCreateInput(serializers.Serializer):
    items = serializers.ListField(child=OrderItemInput(), allow_empty=False, max_length=MAX_LINES)
    address_id = serializers.IntegerField(min_value=1, max_value=2**63 - 1)
    note = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    coupon_code = serializers.CharField(max_length=64, required=False, allow_blank=True, allow_null=True)
    points = serializers.IntegerField(min_value=0, max_value=10**9, required=False, allow_null=True)
    activity = ActivityInput(required=False, allow_null=True)
    ref = serializers.RegexField(
        r"^[A-Za-z0-9]{1,32}\Z",
        required=False,
        allow_blank=True,
        help_text="The share-link code the shopper arrived with (?ref=CODE); the storefront's `ref` cookie when "
        "omitted. Attributes the order to a distributor (distribution binds the buyer when the order is paid).",
        error_messages={"invalid": _("A share code has only letters and digits (at most 32).")},
    )


# --- The order request's fast path ---------------------------------------------------------------------------
# OrderCreateInput's validation (DRF deep-copies every field of the nested serializers per request) cost ~1 ms of
# CPU per order. A well-formed body -- plain JSON ints, strings without surrounding whitespace -- is checked
# here by the same rules and gives the same validated_data; anything else (None returned) goes through the
# serializer, which also writes every error message. tests/orders/test_order_input.py holds the two together.

_REF = re.compile(r"[A-Za-z0-9]{1,32}")  # fullmatch: "$" would let a final newline through
_ID_MAX = 2**63 - 1
_MISSING = object()


def _whole(value, low: int, high: int) -> bool:
    return type(value) is int and low <= value <= high


def _plain_text(value, max_length: int) -> bool:
    """A string the CharField would keep as it is: no surrounding whitespace, no NUL, no lone surrogate."""
    return (
        type(value) is str
        and len(value) <= max_length
        and value == value.strip()
        and "\x00" not in value
        and not any("\ud800" <= char <= "\udfff" for char in value)
    )


def _fast_activity(activity):
    if activity is None:
        return None
    if type(activity) is not dict or activity.get("type") not in ACTIVITY_TYPES:
        return _MISSING
    if not _whole(activity.get("id"), 1, _ID_MAX):
        return _MISSING
    clean = {"type": activity["type"], "id": activity["id"]}
    for name, low, high in (("group_id", 1, _ID_MAX), ("group_size", 2, 1000)):
        if name in activity:
            value = activity[name]
            if value is not None and not _whole(value, low, high):
                return _MISSING
            clean[name] = value
    return clean


# The body fields the fast path knows; a body with any other key goes to the serializer. A field added to
# OrderCreateInput must be added here too (a test compares the two), or it would never reach validated_data.
FAST_ORDER_FIELDS = frozenset({"items", "address_id", "note", "coupon_code", "points", "activity", "ref"})


def fast_order_input(data) -> dict | None:
    """OrderCreateInput's validated_data for a well-formed body, or None: then validate with the serializer."""
    if type(data) is not dict or not FAST_ORDER_FIELDS.issuperset(data):
        return None
    items, address_id = data.get("items"), data.get("address_id")
    if type(items) is not list or not 0 < len(items) <= MAX_LINES or not _whole(address_id, 1, _ID_MAX):
        return None
    clean_items = []
    for item in items:
        if type(item) is not dict:
            return None
        sku_id, quantity = item.get("sku_id"), item.get("quantity")
        if not _whole(sku_id, 1, _ID_MAX) or not _whole(quantity, 1, MAX_QUANTITY):
            return None
        clean_items.append({"sku_id": sku_id, "quantity": quantity})
    values = {"items": clean_items, "address_id": address_id, "note": data.get("note", "")}
    if not _plain_text(values["note"], 200):
        return None
    if "coupon_code" in data:
        code = data["coupon_code"]
        if code is not None and not _plain_text(code, 64):
            return None
        values["coupon_code"] = code
    if "points" in data:
        if data["points"] is not None and not _whole(data["points"], 0, 10**9):
            return None
        values["points"] = data["points"]
    if "activity" in data:
        activity = _fast_activity(data["activity"])
        if activity is _MISSING:
            return None
        values["activity"] = activity
    if "ref" in data:
        if type(data["ref"]) is not str or not _REF.fullmatch(data["ref"]):
            return None
        values["ref"] = data["ref"]
    return values


class PayInput(serializers.Serializer):
    method = serializers.ChoiceField(choices=PaymentMethod.choices)


class OrderLineSerializer(serializers.ModelSerializer):
    image_url = serializers.SerializerMethodField()

    class Meta:
        model = OrderLine
        fields = [
            "id", "sku_id", "product_id", "title", "specs", "sku_code", "image_url", "quantity",
            "unit_price_amount", "subtotal_amount", "discount_amount", "total_amount", "allocations", "is_gift",
        ]  # fmt: skip

    def get_image_url(self, line) -> str | None:
        return default_storage.url(line.image) if line.image else None


class ShipmentLineSerializer(serializers.ModelSerializer):
    class Meta:
        model = ShipmentLine
        fields = ["order_line_id", "quantity"]


class ShipmentSerializer(serializers.ModelSerializer):
    carrier_label = serializers.CharField(source="get_carrier_display")
    lines = ShipmentLineSerializer(many=True, help_text="Empty for the replacement parcel of an exchange.")

    class Meta:
        model = Shipment
        fields = ["id", "carrier", "carrier_label", "tracking_number", "lines", "created"]


class LineQuantityInput(serializers.Serializer):
    order_line_id = serializers.IntegerField(min_value=1, max_value=2**63 - 1)
    quantity = serializers.IntegerField(
        min_value=1,
        max_value=MAX_QUANTITY,
        error_messages={"min_value": _("Quantity must be at least 1."), "invalid": _("Quantity must be a number.")},
    )


class ShipInput(serializers.Serializer):
    carrier = serializers.ChoiceField(choices=Carrier.choices)
    tracking_number = serializers.CharField(max_length=50)
    lines = serializers.ListField(
        child=LineQuantityInput(),
        required=False,
        allow_empty=False,
        max_length=MAX_LINES,
        help_text="Omit to ship everything left to ship.",
    )


class AfterSaleInput(serializers.Serializer):
    type = serializers.ChoiceField(choices=AfterSaleType.choices)
    lines = serializers.ListField(child=LineQuantityInput(), allow_empty=False, max_length=MAX_LINES)
    reason = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


class RejectInput(serializers.Serializer):
    reason = serializers.CharField(max_length=200)


class ExchangeShipInput(serializers.Serializer):
    carrier = serializers.ChoiceField(choices=Carrier.choices)
    tracking_number = serializers.CharField(max_length=50)


class AfterSaleLineSerializer(serializers.ModelSerializer):
    title = serializers.CharField(source="order_line.title")
    specs = serializers.JSONField(source="order_line.specs")
    sku_id = serializers.IntegerField(source="order_line.sku_id")

    class Meta:
        model = AfterSaleLine
        fields = ["order_line_id", "sku_id", "title", "specs", "quantity", "refund_amount"]


class AfterSaleSerializer(serializers.ModelSerializer):
    order_number = serializers.CharField(source="order.number")
    type_label = serializers.CharField(source="get_type_display")
    status_label = serializers.CharField(source="get_status_display")
    lines = AfterSaleLineSerializer(many=True)
    exchange_shipment = ShipmentSerializer(allow_null=True)

    class Meta:
        model = AfterSale
        fields = [
            "id", "order_id", "order_number", "type", "type_label", "status", "status_label", "reason",
            "reject_reason", "refund_amount", "shipping_refund_amount", "lines", "exchange_shipment", "created",
            "decided_at", "received_at", "refunded_at",
        ]  # fmt: skip


class RefundSerializer(serializers.ModelSerializer):
    class Meta:
        model = Refund
        fields = ["id", "payment_id", "amount", "status", "stripe_refund_id", "failure_message", "succeeded_at"]


class ManageAfterSaleSerializer(AfterSaleSerializer):
    refund = serializers.SerializerMethodField()

    class Meta(AfterSaleSerializer.Meta):
        fields = [*AfterSaleSerializer.Meta.fields, "refund"]

    def get_refund(self, aftersale) -> dict | None:
        refund = getattr(aftersale, "refund", None)
        return RefundSerializer(refund).data if refund else None


class AddressSnapshotSerializer(serializers.Serializer):
    name = serializers.CharField(source="ship_name")
    phone = serializers.CharField(source="ship_phone")
    province = serializers.CharField(source="ship_province")
    city = serializers.CharField(source="ship_city")
    district = serializers.CharField(source="ship_district")
    line1 = serializers.CharField(source="ship_line1")
    postal_code = serializers.CharField(source="ship_postal_code")


class OrderSerializer(serializers.ModelSerializer):
    status_label = serializers.CharField(source="get_status_display")
    lines = OrderLineSerializer(many=True)
    shipments = ShipmentSerializer(many=True)
    address = AddressSnapshotSerializer(source="*")
    activity = serializers.SerializerMethodField()
    coupon_code = serializers.CharField(allow_null=True)

    class Meta:
        model = Order
        fields = [
            "id", "number", "status", "status_label", "lines", "subtotal_amount", "discount_amount",
            "shipping_amount", "total_amount", "refunded_amount", "currency", "applied", "note", "address",
            "payment_method", "shipments", "created", "pay_deadline", "paid_at", "shipped_at", "completed_at",
            "cancelled_at", "closed_at", "activity", "group_id", "coupon_code", "points_used", "ship_hold",
        ]  # fmt: skip

    @extend_schema_field(ActivitySerializer(allow_null=True))
    def get_activity(self, order) -> dict | None:
        if not order.activity_type:
            return None
        return {"type": order.activity_type, "id": order.activity_id, "group_id": order.group_id}

    def to_representation(self, order):
        data = super().to_representation(order)
        data["coupon_code"] = order.coupon_code or None
        return data


class StoreOrderDetailSerializer(OrderSerializer):
    aftersales = AfterSaleSerializer(many=True)

    class Meta(OrderSerializer.Meta):
        fields = [*OrderSerializer.Meta.fields, "aftersales"]


class PaidOrderSerializer(OrderSerializer):
    client_secret = serializers.CharField(required=False, help_text="Stripe only: confirm it with Stripe.js.")

    class Meta(OrderSerializer.Meta):
        fields = [*OrderSerializer.Meta.fields, "client_secret"]


class PaymentSerializer(serializers.ModelSerializer):
    class Meta:
        model = Payment
        fields = [
            "id", "method", "status", "amount", "currency", "application_fee_amount", "refunded_amount",
            "stripe_payment_intent_id", "failure_code", "failure_message", "failed_attempts", "needs_refund",
            "created", "succeeded_at",
        ]  # fmt: skip


class ManageMemberSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    email = serializers.CharField(allow_null=True)
    phone = serializers.CharField(allow_null=True)


class ManageOrderSerializer(OrderSerializer):
    member = ManageMemberSerializer()

    class Meta(OrderSerializer.Meta):
        fields = [*OrderSerializer.Meta.fields, "member", "cancel_reason"]


class ManageOrderDetailSerializer(ManageOrderSerializer):
    payments = PaymentSerializer(many=True)

    class Meta(ManageOrderSerializer.Meta):
        fields = [*ManageOrderSerializer.Meta.fields, "payments"]


# --- Fast path: the same shapes as plain dicts ------------------------------------------------------------------
# DRF's ModelSerializer rebuilds its fields on every instance (a third of an order request's CPU); the views
# answer with these functions and the serializers above document the shape (a test keeps the two identical).


# One field for every value (it keeps no state between calls): DRF's format and time zone, without building a
# field per timestamp. Labels from the choices once (Django's get_FOO_display re-hashes every choice per call).
_DATETIME = serializers.DateTimeField()
_STATUS_LABELS = dict(OrderStatus.choices)
_CARRIER_LABELS = dict(Carrier.choices)


def _iso(value) -> str | None:
    return _DATETIME.to_representation(value) if value else None


def line_data(line: OrderLine) -> dict:
    return {
        "id": line.pk,
        "sku_id": line.sku_id,
        "product_id": line.product_id,
        "title": line.title,
        "specs": line.specs,
        "sku_code": line.sku_code,
        "image_url": default_storage.url(line.image) if line.image else None,
        "quantity": line.quantity,
        "unit_price_amount": line.unit_price_amount,
        "subtotal_amount": line.subtotal_amount,
        "discount_amount": line.discount_amount,
        "total_amount": line.total_amount,
        "allocations": line.allocations,
        "is_gift": line.is_gift,
    }


def shipment_data(shipment: Shipment) -> dict:
    return {
        "id": shipment.pk,
        "carrier": shipment.carrier,
        "carrier_label": str(_CARRIER_LABELS.get(shipment.carrier, shipment.carrier)),
        "tracking_number": shipment.tracking_number,
        "lines": [{"order_line_id": x.order_line_id, "quantity": x.quantity} for x in shipment.lines.all()],
        "created": _iso(shipment.created),
    }


def order_data(order: Order) -> dict:
    return {
        "id": order.pk,
        "number": order.number,
        "status": order.status,
        "status_label": str(_STATUS_LABELS.get(order.status, order.status)),
        "lines": [line_data(line) for line in order.lines.all()],
        "subtotal_amount": order.subtotal_amount,
        "discount_amount": order.discount_amount,
        "shipping_amount": order.shipping_amount,
        "total_amount": order.total_amount,
        "refunded_amount": order.refunded_amount,
        "currency": order.currency,
        "applied": order.applied,
        "note": order.note,
        "address": {
            "name": order.ship_name,
            "phone": order.ship_phone,
            "province": order.ship_province,
            "city": order.ship_city,
            "district": order.ship_district,
            "line1": order.ship_line1,
            "postal_code": order.ship_postal_code,
        },
        "payment_method": order.payment_method,
        "shipments": [shipment_data(shipment) for shipment in order.shipments.all()],
        "created": _iso(order.created),
        "pay_deadline": _iso(order.pay_deadline),
        "paid_at": _iso(order.paid_at),
        "shipped_at": _iso(order.shipped_at),
        "completed_at": _iso(order.completed_at),
        "cancelled_at": _iso(order.cancelled_at),
        "closed_at": _iso(order.closed_at),
        "activity": (
            {"type": order.activity_type, "id": order.activity_id, "group_id": order.group_id}
            if order.activity_type
            else None
        ),
        "group_id": order.group_id,
        "coupon_code": order.coupon_code or None,
        "points_used": order.points_used,
        "ship_hold": order.ship_hold,
    }
