"""`{% load money %}` then `{{ order.total_amount|money }}` -> ¥129.00 (or `|money:"USD"`)."""

from django import template

from micromall.money import format_money

register = template.Library()


@register.filter
def money(amount, currency="CNY"):
    return format_money(amount, currency)
