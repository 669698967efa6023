"""Reads of shipping templates."""

from django.db.models import QuerySet

from .models import ShippingTemplate


def shipping_templates() -> QuerySet[ShippingTemplate]:
    return ShippingTemplate.objects.all()


def shipping_template(template_id: int) -> ShippingTemplate | None:
    return ShippingTemplate.objects.filter(pk=template_id).first()


def default_shipping_template() -> ShippingTemplate | None:
    return ShippingTemplate.objects.filter(is_default=True).first()
