"""Request parsers of the API kernel.

JSON bodies are bounded in depth (deep nesting would exhaust the recursion limit of the decoder, the
serializers and the error renderer: a 500) and hold no NUL character (PostgreSQL stores it in neither text nor
jsonb: a 500 at save time, after other rows may have been written). Both are refused here with a 400.
"""

from django.conf import settings
from django.utils.translation import gettext as _
from rest_framework import parsers
from rest_framework.exceptions import ParseError, ValidationError
from rest_framework.settings import api_settings


def _too_deep() -> str:
    return _("JSON parse error - nested deeper than %(limit)s levels.") % {"limit": settings.MAX_JSON_DEPTH}


def check_json(value, max_depth: int) -> None:
    """Raise ParseError when `value` (parsed JSON) nests deeper than `max_depth`, else ValidationError naming
    every field (`settings.footer_text`, `skus.0.sku_code`) whose key or string holds a NUL. Iterative."""
    stack: list[tuple[object, int, str]] = [(value, 1, "")]
    with_nul: set[str] = set()
    while stack:
        item, depth, path = stack.pop()
        if isinstance(item, str):
            if "\x00" in item:
                with_nul.add(path)
            continue
        if not isinstance(item, (dict, list)):
            continue
        if depth > max_depth:
            raise ParseError(_too_deep())
        pairs = item.items() if isinstance(item, dict) else enumerate(item)
        for key, child in pairs:
            if isinstance(key, str) and "\x00" in key:
                with_nul.add(path)
                continue
            stack.append((child, depth + 1, f"{path}.{key}" if path else str(key)))
    if with_nul:
        message = [_("Null characters (NUL) are not allowed.")]
        raise ValidationError({path or api_settings.NON_FIELD_ERRORS_KEY: message for path in sorted(with_nul)})


class JSONParser(parsers.JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError:  # the C decoder gives up near the interpreter's recursion limit
            raise ParseError(_too_deep()) from None
        check_json(data, settings.MAX_JSON_DEPTH)
        return data
