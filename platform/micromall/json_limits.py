"""Bounds on parsed JSON, shared by the API's JSON parser and the back office's JSON fields.

Deep nesting exhausts the recursion limit of the decoder, the serializers and the error renderer (a 500), and
PostgreSQL stores a NUL character in neither text nor jsonb (a 500 at save time): both are refused up front.
"""

from django.conf import settings
from django.utils.translation import gettext as _


def json_problems(value, max_depth: int) -> tuple[bool, list[str]]:
    """(nested deeper than `max_depth`, paths such as `settings.footer_text` whose key or string holds a NUL)
    of parsed JSON; iterative, and stops at the first level too deep."""
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
            return True, sorted(with_nul)
        pairs = item.items() if isinstance(item, dict) else enumerate(item)
        for key, child in pairs:
            if isinstance(key, str) and "\x00" in key:
                with_nul.add(path)
                continue
            stack.append((child, depth + 1, f"{path}.{key}" if path else str(key)))
    return False, sorted(with_nul)


def too_deep_message() -> str:
    return _("JSON parse error - nested deeper than %(limit)s levels.") % {"limit": settings.MAX_JSON_DEPTH}


def nul_message() -> str:
    return _("Null characters (NUL) are not allowed.")
