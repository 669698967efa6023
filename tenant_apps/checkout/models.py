"""Carts and the address book (shop schema). Prices are never stored here: the engine prices every read."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Cart(models.Model):
    """A guest cart (found by the random `token` in its cookie) or a member's cart (one per member)."""

    token = models.CharField(max_length=64, unique=True, null=True, blank=True)
    member = models.OneToOneField(
        "members.Member", null=True, blank=True, on_delete=models.CASCADE, related_name="cart"
    )
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("cart")
        verbose_name_plural = _("carts")
        constraints = [
            models.CheckConstraint(condition=Q(token__isnull=False) | Q(member__isnull=False), name="cart_has_owner")
        ]

    def __str__(self) -> str:
        return f"cart {self.pk}"


class CartLine(models.Model):
    cart = models.ForeignKey(Cart, on_delete=models.CASCADE, related_name="lines")
    # A deleted SKU leaves no dead line behind.
    sku = models.ForeignKey("catalog.Sku", on_delete=models.CASCADE, related_name="+")
    quantity = models.PositiveIntegerField()
    selected = models.BooleanField(default=True)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["cart", "sku"], name="uniq_cart_sku"),
            models.CheckConstraint(condition=Q(quantity__gte=1), name="cart_line_quantity_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.quantity} x SKU {self.sku_id}"


class Address(models.Model):
    member = models.ForeignKey("members.Member", on_delete=models.CASCADE, related_name="addresses")
    name = models.CharField(_("recipient"), max_length=50)
    phone = models.CharField(_("mobile number"), max_length=11)
    # Canonical short province name (pricing.regions), so shipping surcharges match.
    province = models.CharField(_("province"), max_length=10)
    city = models.CharField(_("city"), max_length=50)
    district = models.CharField(_("district"), max_length=50)
    line1 = models.CharField(_("street address"), max_length=200)
    postal_code = models.CharField(_("postal code"), max_length=6, blank=True)
    is_default = models.BooleanField(_("default"), default=False)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-is_default", "-created", "-id"]
        verbose_name = _("address")
        verbose_name_plural = _("addresses")
        constraints = [
            models.UniqueConstraint(
                fields=["member"], condition=Q(is_default=True), name="one_default_address_per_member"
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} {self.province}{self.city}{self.district}{self.line1}"
