"""Writers for shipping templates: validated here, so the merchant API and the back office refuse the same input."""

from typing import Any

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from micromall.errors import Invalid, NotFound

from .models import ShippingKind, ShippingTemplate
from .regions import canonical_province
from .selectors import DEFAULT_RULE

MAX_AMOUNT = 10**10  # 100 million yuan: anything above is a typo
MAX_GRAMS = 10**7  # 10 tonnes
AMOUNT_FIELDS = ("flat_fee_amount", "first_fee_amount", "additional_fee_amount")
GRAM_FIELDS = ("first_weight_grams", "additional_weight_grams")
FIELDS = ("name", "kind", *AMOUNT_FIELDS, *GRAM_FIELDS, "free_over_amount", "province_surcharges", "is_default")


def _whole_number(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def clean_shipping_fields(data: dict[str, Any]) -> dict[str, Any]:
    """Checked, normalised fields (only those given); Invalid with a message per bad field."""
    errors: dict[str, list[str]] = {}
    clean: dict[str, Any] = {}
    unknown = sorted(set(data) - set(FIELDS))
    for key in unknown:
        errors[key] = [_("Unknown field.")]
    if "name" in data:
        name = data["name"]
        if not isinstance(name, str) or not name.strip() or "\x00" in name:
            errors["name"] = [_("Give the template a name.")]
        elif len(name.strip()) > 60:
            errors["name"] = [_("At most 60 characters.")]
        else:
            clean["name"] = name.strip()
    if "kind" in data:
        if data["kind"] not in ShippingKind.values:
            errors["kind"] = [_("Choose one of: %(kinds)s.") % {"kinds": ", ".join(ShippingKind.values)}]
        else:
            clean["kind"] = data["kind"]
    for key in AMOUNT_FIELDS:
        if key in data:
            if not _whole_number(data[key]) or not 0 <= data[key] <= MAX_AMOUNT:
                errors[key] = [_("An amount in fen between 0 and %(max)d.") % {"max": MAX_AMOUNT}]
            else:
                clean[key] = data[key]
    for key in GRAM_FIELDS:
        if key in data:
            if not _whole_number(data[key]) or not 1 <= data[key] <= MAX_GRAMS:
                errors[key] = [_("A weight in grams between 1 and %(max)d.") % {"max": MAX_GRAMS}]
            else:
                clean[key] = data[key]
    if "free_over_amount" in data:
        value = data["free_over_amount"]
        if value is not None and (not _whole_number(value) or not 0 <= value <= MAX_AMOUNT):
            errors["free_over_amount"] = [_("An amount in fen between 0 and %(max)d, or null.") % {"max": MAX_AMOUNT}]
        else:
            clean["free_over_amount"] = value
    if "province_surcharges" in data:
        surcharges = data["province_surcharges"]
        if not isinstance(surcharges, dict):
            errors["province_surcharges"] = [_("An object of province name to surcharge in fen.")]
        else:
            normalised = {}
            for province, amount in surcharges.items():
                short = canonical_province(province)
                if short is None:
                    errors[f"province_surcharges.{province}"] = [_("Not a province of China.")]
                elif not _whole_number(amount) or not 0 <= amount <= MAX_AMOUNT:
                    errors[f"province_surcharges.{province}"] = [
                        _("An amount in fen between 0 and %(max)d.") % {"max": MAX_AMOUNT}
                    ]
                else:
                    normalised[short] = amount
            clean["province_surcharges"] = normalised
    if "is_default" in data:
        if not isinstance(data["is_default"], bool):
            errors["is_default"] = [_("Must be true or false.")]
        else:
            clean["is_default"] = data["is_default"]
    if errors:
        raise Invalid(errors=errors)
    return clean


def _begin_template_write() -> None:
    """First step of every template write: serialize it, and drop the cached default rule once it commits."""
    # Who is the default depends on rows that may not exist yet, so row locks cannot order concurrent writers:
    # a transaction-scoped advisory lock per shop schema does.
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", [f"{connection.schema_name}:shipping-templates"])
    DEFAULT_RULE.changed(timezone.now())


def _make_default(template: ShippingTemplate) -> None:
    ShippingTemplate.objects.filter(is_default=True).exclude(pk=template.pk).update(is_default=False)
    ShippingTemplate.objects.filter(pk=template.pk).update(is_default=True)
    template.is_default = True


@transaction.atomic
def create_shipping_template(*, data: dict[str, Any]) -> ShippingTemplate:
    fields = clean_shipping_fields(data)
    if "name" not in fields:
        raise Invalid(errors={"name": [_("Give the template a name.")]})
    make_default = fields.pop("is_default", False)
    _begin_template_write()
    has_default = ShippingTemplate.objects.filter(is_default=True).exists()
    template = ShippingTemplate.objects.create(**fields)
    if make_default or not has_default:
        _make_default(template)
    return template


@transaction.atomic
def update_shipping_template(*, template_id: int, data: dict[str, Any]) -> ShippingTemplate:
    _begin_template_write()
    template = ShippingTemplate.objects.select_for_update().filter(pk=template_id).first()
    if template is None:
        raise NotFound(_("No such shipping template."))
    fields = clean_shipping_fields(data)
    make_default = fields.pop("is_default", None)
    if make_default is False and template.is_default:
        raise Invalid(errors={"is_default": [_("Make another template the default instead.")]})
    for key, value in fields.items():
        setattr(template, key, value)
    template.save()
    if make_default:
        _make_default(template)
    return template


@transaction.atomic
def delete_shipping_template(*, template_id: int) -> None:
    _begin_template_write()
    template = ShippingTemplate.objects.select_for_update().filter(pk=template_id).first()
    if template is None:
        raise NotFound(_("No such shipping template."))
    template.delete()
    if template.is_default:
        # The oldest remaining template takes over, so a shop with templates always has a default.
        successor = ShippingTemplate.objects.order_by("id").first()
        if successor is not None:
            _make_default(successor)
