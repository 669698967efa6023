"""Money for people: amounts are stored as integer minor units (fen); people read and type yuan.

One formatter (`format_money`, `¥129.00`) and one form field (`YuanField`: the merchant types 129 or 129.00,
the form gets 12900) for every screen; templates use the `money` filter (micromall.templatetags... via
`{% load money %}` in back-office templates, built in for theme templates). No floats anywhere: parsing
goes through Decimal and the split into yuan and fen is integer arithmetic.
"""

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django import forms
from django.utils.translation import gettext_lazy as _

CURRENCY_SYMBOLS = {"CNY": "¥", "USD": "$", "EUR": "€", "GBP": "£", "JPY": "¥", "HKD": "HK$", "TWD": "NT$"}
ZERO_DECIMAL = {"JPY", "KRW", "TWD"}
MAX_AMOUNT = 10**11  # ¥1,000,000,000.00 in fen: far above any price, far below BIGINT


def format_money(amount: int | None, currency: str = "CNY") -> str:
    """Integer minor units -> `¥12,900.00`; "" for None."""
    if amount is None:
        return ""
    symbol = CURRENCY_SYMBOLS.get(currency, f"{currency} ")
    amount = int(amount)
    sign = "-" if amount < 0 else ""
    if currency in ZERO_DECIMAL:
        return f"{sign}{symbol}{abs(amount):,}"
    major, minor = divmod(abs(amount), 100)
    return f"{sign}{symbol}{major:,}.{minor:02d}"


def format_yuan(amount: int | None) -> str:
    return format_money(amount, "CNY")


def to_yuan_text(amount: int | None) -> str:
    """12900 -> "129.00" (the value shown in an input)."""
    if amount is None:
        return ""
    major, minor = divmod(abs(int(amount)), 100)
    return f"{'-' if amount < 0 else ''}{major}.{minor:02d}"


def parse_yuan(text: str) -> int:
    """ "129", "129.5", "¥1,290.00" -> fen (int). Raises ValueError on anything else or more than 2 decimals."""
    cleaned = str(text).strip().replace("¥", "").replace("￥", "").replace(",", "").replace("，", "")
    try:
        value = Decimal(cleaned)
    except InvalidOperation as exc:
        raise ValueError(text) from exc
    if not value.is_finite() or value.as_tuple().exponent < -2:
        raise ValueError(text)
    return int((value * 100).quantize(Decimal(1), rounding=ROUND_HALF_UP))


class YuanInput(forms.TextInput):
    """A text input with a ¥ before it and a decimal keyboard on phones."""

    template_name = "backoffice/widgets/yuan_input.html"

    def __init__(self, attrs=None):
        super().__init__({"inputmode": "decimal", "autocomplete": "off", "placeholder": "0.00", **(attrs or {})})

    def format_value(self, value):
        if value in (None, ""):
            return ""
        if isinstance(value, int):
            return to_yuan_text(value)
        return str(value)  # what the merchant typed, shown again with its error


class YuanField(forms.Field):
    """Typed in yuan with up to two decimals, cleaned to integer fen: 129.00 -> 12900."""

    widget = YuanInput
    default_error_messages = {
        "invalid": _("Enter an amount in yuan with at most two decimals, e.g. 129.00."),
        "negative": _("The amount cannot be negative."),
        "too_large": _("The amount is too large."),
    }

    def __init__(self, *, allow_negative: bool = False, **kwargs):
        self.allow_negative = allow_negative
        super().__init__(**kwargs)

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if isinstance(value, int):
            return value
        try:
            amount = parse_yuan(value)
        except ValueError:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid") from None
        if amount < 0 and not self.allow_negative:
            raise forms.ValidationError(self.error_messages["negative"], code="negative")
        if abs(amount) >= MAX_AMOUNT:
            raise forms.ValidationError(self.error_messages["too_large"], code="too_large")
        return amount

    def prepare_value(self, value):
        return to_yuan_text(value) if isinstance(value, int) else value

    def has_changed(self, initial, data):
        try:
            return self.to_python(data) != initial
        except forms.ValidationError:
            return True
