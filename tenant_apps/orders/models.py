"""Orders (shop schema): orders with snapshotted lines, payments, shipments and the shop's order settings.

Writers live in services/; the state machine (states.py) is the only thing that changes `Order.status`.
The database guards what must never be wrong: unique numbers, one payment row per order and method, at most
one succeeded payment per order, one PaymentIntent per payment, amounts never negative.
"""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class OrderStatus(models.TextChoices):
    PENDING_PAYMENT = "pending_payment", _("Awaiting payment")
    PAID = "paid", _("Awaiting shipment")
    SHIPPED = "shipped", _("Shipped")
    COMPLETED = "completed", _("Completed")
    CANCELLED = "cancelled", _("Cancelled")
    CLOSED = "closed", _("Closed")


class PaymentMethod(models.TextChoices):
    TEST = "test", _("Test payment")
    COD = "cod", _("Cash on delivery")
    STRIPE = "stripe", _("Card / WeChat Pay / Alipay (Stripe)")


MAX_CANCEL_MINUTES = 7 * 24 * 60
MAX_COMPLETE_DAYS = 60
MAX_RETURN_WINDOW_DAYS = 90


class OrderSettings(models.Model):
    """Per-shop order timers; a single row (id=1), defaults until the merchant changes them."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    # The bounds are the service's (update_order_settings); repeated here so the back-office form says so first.
    auto_cancel_minutes = models.PositiveIntegerField(
        default=30,
        validators=[MinValueValidator(1), MaxValueValidator(MAX_CANCEL_MINUTES)],
        verbose_name=_("cancel unpaid orders after (min)"),
    )
    auto_complete_days = models.PositiveIntegerField(
        default=7,
        validators=[MinValueValidator(1), MaxValueValidator(MAX_COMPLETE_DAYS)],
        verbose_name=_("complete shipped orders after (days)"),
    )
    return_window_days = models.PositiveIntegerField(
        default=7,
        validators=[MaxValueValidator(MAX_RETURN_WINDOW_DAYS)],
        verbose_name=_("no-reason returns within (days after completion)"),
    )

    class Meta:
        verbose_name = _("order settings")
        verbose_name_plural = _("order settings")
        constraints = [
            models.CheckConstraint(condition=Q(id=1), name="order_settings_singleton"),
            models.CheckConstraint(condition=Q(auto_cancel_minutes__gte=1), name="order_settings_cancel_min"),
            models.CheckConstraint(condition=Q(auto_complete_days__gte=1), name="order_settings_complete_min"),
        ]

    def __str__(self) -> str:
        return str(_("order settings"))


class Order(models.Model):
    number = models.CharField(max_length=32, unique=True, verbose_name=_("number"))
    member = models.ForeignKey("members.Member", on_delete=models.PROTECT, related_name="orders")
    status = models.CharField(
        max_length=20, choices=OrderStatus.choices, default=OrderStatus.PENDING_PAYMENT, verbose_name=_("status")
    )
    currency = models.CharField(max_length=3, default="CNY")
    subtotal_amount = models.PositiveBigIntegerField(default=0)
    discount_amount = models.PositiveBigIntegerField(default=0)
    shipping_amount = models.PositiveBigIntegerField(default=0)
    total_amount = models.PositiveBigIntegerField(default=0)
    refunded_amount = models.PositiveBigIntegerField(default=0)
    # What the price engine applied (promotions, coupons…), as it answered at purchase time.
    applied = models.JSONField(default=list, blank=True)
    note = models.CharField(max_length=200, blank=True)
    # The share-link code the shopper arrived with (?ref=CODE), kept as given: orders do not interpret it; it
    # rides on every order event for the apps that attribute sales (distribution binds the buyer on order.paid).
    ref_code = models.CharField(max_length=32, blank=True, db_default="")
    # The delivery address, copied: later edits of the address book never change a placed order.
    address_id = models.BigIntegerField(null=True, blank=True)
    ship_name = models.CharField(max_length=50, blank=True)
    ship_phone = models.CharField(max_length=20, blank=True, db_index=True)
    ship_province = models.CharField(max_length=50, blank=True)
    ship_city = models.CharField(max_length=50, blank=True)
    ship_district = models.CharField(max_length=50, blank=True)
    ship_line1 = models.CharField(max_length=200, blank=True)
    ship_postal_code = models.CharField(max_length=10, blank=True)
    payment_method = models.CharField(max_length=10, choices=PaymentMethod.choices, blank=True)
    created = models.DateTimeField(auto_now_add=True, verbose_name=_("created"))
    # When an unpaid order is cancelled by the timer; when a shipped order completes by itself.
    pay_deadline = models.DateTimeField(null=True, blank=True)
    auto_complete_at = models.DateTimeField(null=True, blank=True)
    paid_at = models.DateTimeField(null=True, blank=True)
    shipped_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    cancel_reason = models.CharField(max_length=20, blank=True)
    # Marketing, as checkout's extensions resolved it at placement (tenant_apps/checkout/extensions.py):
    # the activity that priced the order (flash_sale, group_buy, bargain) and its group once one is joined,
    # the coupon and the points spent. Kept on the order so refunds and reports need no marketing app.
    activity_type = models.CharField(max_length=20, blank=True, verbose_name=_("activity"))
    activity_id = models.BigIntegerField(null=True, blank=True)
    group_id = models.BigIntegerField(null=True, blank=True)
    coupon_code = models.CharField(max_length=64, blank=True, verbose_name=_("coupon"))
    points_used = models.PositiveIntegerField(default=0, verbose_name=_("points used"))
    # A paid order that must not ship yet (a group buy waiting for its group); released by the activity.
    ship_hold = models.BooleanField(default=False, verbose_name=_("on hold for shipping"))

    class Meta:
        ordering = ["-created", "-id"]
        verbose_name = _("order")
        verbose_name_plural = _("orders")
        indexes = [
            models.Index(fields=["member", "-created"], name="order_member_created"),
            models.Index(fields=["status", "-created"], name="order_status_created"),
            models.Index(fields=["pay_deadline"], condition=Q(status="pending_payment"), name="order_due_cancel"),
            models.Index(fields=["auto_complete_at"], condition=Q(status="shipped"), name="order_due_complete"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(
                    total_amount=models.F("subtotal_amount") - models.F("discount_amount") + models.F("shipping_amount")
                ),
                name="order_total_adds_up",
            ),
            models.CheckConstraint(condition=Q(refunded_amount__lte=models.F("total_amount")), name="order_refund_max"),
        ]

    def __str__(self) -> str:
        return self.number


class OrderLine(models.Model):
    """One SKU of an order, with what the shopper saw and paid copied at purchase time."""

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="lines")
    # Plain ids, not foreign keys: a product deleted later must not take its sold lines with it.
    sku_id = models.BigIntegerField()
    product_id = models.BigIntegerField()
    title = models.CharField(max_length=200)
    specs = models.JSONField(default=dict, blank=True)
    sku_code = models.CharField(max_length=64, blank=True)
    image = models.CharField(max_length=300, blank=True)
    quantity = models.PositiveIntegerField()
    unit_price_amount = models.PositiveBigIntegerField()
    subtotal_amount = models.PositiveBigIntegerField()
    discount_amount = models.PositiveBigIntegerField(default=0)
    total_amount = models.PositiveBigIntegerField()
    # The line's share of every order-level discount: [{kind, code, amount}], summing to discount_amount.
    allocations = models.JSONField(default=list, blank=True)
    # A free gift added by a threshold rule (满赠): price 0, stock reserved like any line.
    is_gift = models.BooleanField(default=False, verbose_name=_("gift"))

    class Meta:
        ordering = ["id"]
        verbose_name = _("order line")
        verbose_name_plural = _("order lines")
        indexes = [models.Index(fields=["sku_id"], name="orderline_sku")]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gte=1), name="orderline_quantity_positive"),
            models.CheckConstraint(
                condition=Q(total_amount=models.F("subtotal_amount") - models.F("discount_amount")),
                name="orderline_total_adds_up",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} × {self.quantity}"


class PaymentStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    SUCCEEDED = "succeeded", _("Succeeded")
    FAILED = "failed", _("Failed")


class Payment(models.Model):
    """One way of paying one order. `cod` is `pending` until the goods are delivered and paid for."""

    order = models.ForeignKey(Order, on_delete=models.PROTECT, related_name="payments")
    method = models.CharField(max_length=10, choices=PaymentMethod.choices)
    status = models.CharField(max_length=10, choices=PaymentStatus.choices, default=PaymentStatus.PENDING)
    amount = models.PositiveBigIntegerField()
    currency = models.CharField(max_length=3)
    application_fee_amount = models.PositiveBigIntegerField(default=0)
    refunded_amount = models.PositiveBigIntegerField(default=0)
    stripe_payment_intent_id = models.CharField(max_length=64, null=True, blank=True, unique=True)
    stripe_account_id = models.CharField(max_length=64, blank=True)
    client_secret = models.CharField(max_length=200, blank=True)
    failure_code = models.CharField(max_length=64, blank=True)
    failure_message = models.CharField(max_length=300, blank=True)
    failed_attempts = models.PositiveIntegerField(default=0)
    # Money taken for an order that was cancelled first (a race with the timer): it has to be refunded.
    needs_refund = models.BooleanField(default=False)
    # When the shop's staff were told that the gateway keeps refusing that refund (order.refund_refused), once.
    refund_alerted_at = models.DateTimeField(null=True, blank=True)
    created = models.DateTimeField(auto_now_add=True)
    succeeded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created", "-id"]
        verbose_name = _("payment")
        verbose_name_plural = _("payments")
        constraints = [
            models.UniqueConstraint(fields=["order", "method"], name="uniq_payment_order_method"),
            models.UniqueConstraint(fields=["order"], condition=Q(status="succeeded"), name="uniq_payment_succeeded"),
            models.CheckConstraint(condition=Q(refunded_amount__lte=models.F("amount")), name="payment_refund_max"),
        ]
        # The timers' sweeps look for money still to send back (late and duplicate payments) on every pass: a few
        # rows among all the shop's payments.
        indexes = [models.Index(fields=["order"], condition=Q(needs_refund=True), name="payment_refund_due")]

    def __str__(self) -> str:
        return f"{self.order_id} {self.method} {self.status}"


class Carrier(models.TextChoices):
    SF = "sf", _("SF Express")
    ZTO = "zto", _("ZTO Express")
    YTO = "yto", _("YTO Express")
    YUNDA = "yunda", _("Yunda Express")
    STO = "sto", _("STO Express")
    JD = "jd", _("JD Logistics")
    EMS = "ems", _("EMS")


class Shipment(models.Model):
    """A parcel sent for an order: some or all of its lines (ShipmentLine), or an after-sales exchange."""

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="shipments")
    carrier = models.CharField(max_length=30, choices=Carrier.choices, verbose_name=_("carrier"))
    tracking_number = models.CharField(max_length=50, verbose_name=_("tracking number"))
    shipped_by_user_id = models.BigIntegerField(null=True, blank=True)
    created = models.DateTimeField(auto_now_add=True, verbose_name=_("shipped at"))

    class Meta:
        ordering = ["id"]
        verbose_name = _("shipment")
        verbose_name_plural = _("shipments")

    def __str__(self) -> str:
        return f"{self.get_carrier_display()} {self.tracking_number}"


class ShipmentLine(models.Model):
    shipment = models.ForeignKey(Shipment, on_delete=models.CASCADE, related_name="lines")
    order_line = models.ForeignKey(OrderLine, on_delete=models.CASCADE, related_name="shipment_lines")
    quantity = models.PositiveIntegerField()

    class Meta:
        ordering = ["id"]
        constraints = [models.CheckConstraint(condition=Q(quantity__gte=1), name="shipmentline_quantity_positive")]

    def __str__(self) -> str:
        return f"{self.order_line_id} × {self.quantity}"


# --- After-sales ------------------------------------------------------------------------------------------------


class AfterSaleType(models.TextChoices):
    REFUND = "refund", _("Refund only")
    RETURN_REFUND = "return_refund", _("Return and refund")
    EXCHANGE = "exchange", _("Exchange")


class AfterSaleStatus(models.TextChoices):
    REQUESTED = "requested", _("Requested")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    RECEIVED = "received", _("Return received")
    REFUNDED = "refunded", _("Refunded")
    EXCHANGED = "exchanged", _("Exchange shipped")


class AfterSale(models.Model):
    """A shopper's after-sales request for some units of some lines of one order."""

    order = models.ForeignKey(Order, on_delete=models.PROTECT, related_name="aftersales")
    type = models.CharField(max_length=20, choices=AfterSaleType.choices, verbose_name=_("type"))
    status = models.CharField(
        max_length=20,
        choices=AfterSaleStatus.choices,
        default=AfterSaleStatus.REQUESTED,
        verbose_name=_("status"),
    )
    reason = models.CharField(max_length=200, blank=True, verbose_name=_("reason"))
    reject_reason = models.CharField(max_length=200, blank=True, verbose_name=_("reason for rejection"))
    # Money owed back (0 for exchanges): the lines' per-unit shares, plus the shipping fee when a refund before
    # shipment takes the last units of the order.
    refund_amount = models.PositiveBigIntegerField(default=0, verbose_name=_("refund amount"))
    shipping_refund_amount = models.PositiveBigIntegerField(default=0)
    exchange_shipment = models.OneToOneField(
        Shipment, on_delete=models.PROTECT, null=True, blank=True, related_name="exchange_for"
    )
    decided_by_user_id = models.BigIntegerField(null=True, blank=True)
    created = models.DateTimeField(auto_now_add=True, verbose_name=_("requested at"))
    decided_at = models.DateTimeField(null=True, blank=True)
    received_at = models.DateTimeField(null=True, blank=True)
    refunded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created", "-id"]
        verbose_name = _("after-sales request")
        verbose_name_plural = _("after-sales requests")
        indexes = [models.Index(fields=["status", "-created"], name="aftersale_status_created")]

    def __str__(self) -> str:
        return f"{self.order_id}-{self.pk} {self.get_type_display()}"


class AfterSaleLine(models.Model):
    aftersale = models.ForeignKey(AfterSale, on_delete=models.CASCADE, related_name="lines")
    order_line = models.ForeignKey(OrderLine, on_delete=models.PROTECT, related_name="aftersale_lines")
    quantity = models.PositiveIntegerField()
    refund_amount = models.PositiveBigIntegerField(default=0)

    class Meta:
        ordering = ["id"]
        constraints = [models.CheckConstraint(condition=Q(quantity__gte=1), name="aftersaleline_quantity_positive")]

    def __str__(self) -> str:
        return f"{self.order_line_id} × {self.quantity}"


class RefundStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    SUCCEEDED = "succeeded", _("Succeeded")
    FAILED = "failed", _("Failed")


class Refund(models.Model):
    """Money sent back through the order's gateway for one after-sales request; its id keys Stripe's idempotency."""

    aftersale = models.OneToOneField(AfterSale, on_delete=models.PROTECT, related_name="refund")
    payment = models.ForeignKey(Payment, on_delete=models.PROTECT, related_name="refunds")
    amount = models.PositiveBigIntegerField()
    status = models.CharField(max_length=10, choices=RefundStatus.choices, default=RefundStatus.PENDING)
    stripe_refund_id = models.CharField(max_length=64, null=True, blank=True, unique=True)
    failure_message = models.CharField(max_length=300, blank=True)
    created = models.DateTimeField(auto_now_add=True)
    succeeded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("refund")
        verbose_name_plural = _("refunds")
        constraints = [models.CheckConstraint(condition=Q(amount__gte=1), name="refund_amount_positive")]

    def __str__(self) -> str:
        return f"{self.payment_id} {self.amount} {self.status}"
