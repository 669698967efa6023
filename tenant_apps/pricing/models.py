"""Shipping templates (shop schema). The price engine (engine.py) reads them as plain ShippingRule data."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .engine import ShippingRule


class ShippingKind(models.TextChoices):
    FLAT = "flat", _("Flat fee")
    WEIGHT = "weight", _("By weight")


class ShippingTemplate(models.Model):
    name = models.CharField(_("name"), max_length=60)
    kind = models.CharField(_("fee kind"), max_length=10, choices=ShippingKind.choices, default=ShippingKind.FLAT)
    flat_fee_amount = models.PositiveBigIntegerField(_("flat fee (fen)"), default=0)
    first_weight_grams = models.PositiveIntegerField(_("first weight (g)"), default=1000)
    first_fee_amount = models.PositiveBigIntegerField(_("first weight fee (fen)"), default=0)
    additional_weight_grams = models.PositiveIntegerField(_("each additional weight (g)"), default=1000)
    additional_fee_amount = models.PositiveBigIntegerField(_("additional weight fee (fen)"), default=0)
    # Measured on merchandise after discounts; null: never free.
    free_over_amount = models.PositiveBigIntegerField(_("free shipping from (fen)"), null=True, blank=True)
    # {"新疆": 1500, "西藏": 1500}: canonical province names (pricing.regions) -> surcharge in fen.
    province_surcharges = models.JSONField(_("province surcharges"), default=dict, blank=True)
    is_default = models.BooleanField(_("default"), default=False)
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-is_default", "id"]
        verbose_name = _("shipping template")
        verbose_name_plural = _("shipping templates")
        constraints = [
            models.UniqueConstraint(fields=["is_default"], condition=Q(is_default=True), name="one_default_shipping"),
            models.CheckConstraint(condition=Q(additional_weight_grams__gt=0), name="shipping_additional_weight_pos"),
        ]

    def __str__(self) -> str:
        return self.name

    def as_rule(self) -> ShippingRule:
        return ShippingRule(
            kind=self.kind,
            flat_fee_amount=self.flat_fee_amount,
            first_weight_grams=self.first_weight_grams,
            first_fee_amount=self.first_fee_amount,
            additional_weight_grams=self.additional_weight_grams,
            additional_fee_amount=self.additional_fee_amount,
            free_over_amount=self.free_over_amount,
            province_surcharges=dict(self.province_surcharges or {}),
        )
