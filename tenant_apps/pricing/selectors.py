"""Reads of shipping templates."""

from django.db.models import QuerySet

from micromall.compiled import CompiledQuery

from .models import ShippingTemplate


def shipping_templates() -> QuerySet[ShippingTemplate]:
    return ShippingTemplate.objects.all()


def shipping_template(template_id: int) -> ShippingTemplate | None:
    return ShippingTemplate.objects.filter(pk=template_id).first()


# Read by every quote (cart, checkout preview, order placement): compiled once per process.
_DEFAULT_TEMPLATE = CompiledQuery(lambda: ShippingTemplate.objects.filter(is_default=True)[:1])


def default_shipping_template() -> ShippingTemplate | None:
    return _DEFAULT_TEMPLATE.first()
