"""Reads of shipping templates."""

from django.db.models import QuerySet

from micromall.snapshots import ShopSnapshot

from .engine import ShippingRule
from .models import ShippingTemplate


def shipping_templates() -> QuerySet[ShippingTemplate]:
    return ShippingTemplate.objects.all()


def shipping_template(template_id: int) -> ShippingTemplate | None:
    return ShippingTemplate.objects.filter(pk=template_id).first()


def _default_rule() -> dict:
    template = ShippingTemplate.objects.filter(is_default=True).first()
    return {"rule": template.as_rule() if template else None}


# Read by every quote (cart, checkout preview, order placement): one cache entry per shop, fetched with the
# shop's other snapshots, dropped when a transaction that writes templates commits (services).
DEFAULT_RULE = ShopSnapshot("pricing:default-shipping", _default_rule)


def default_shipping_rule() -> ShippingRule | None:
    return DEFAULT_RULE.get()["rule"]
