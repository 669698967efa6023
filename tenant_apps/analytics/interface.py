"""What other shop apps (and the public side, in a shop's schema) may use of the data centre.

Storefront pages: `@track_page(kind, product_kwarg=...)` outside the page cache. API views: `track(request,
kind, product_id=...)` after a success. Dashboard figures: `summary(start, end)`. Table downloads (CSV / XLSX,
formulas escaped): `export_response(fmt, rows, basename)` with `Yuan(fen)` / `Rate(fraction)` cells.
"""

from .collect import VISITOR_COOKIE, track, track_page
from .exports import FORMATS as EXPORT_FORMATS
from .exports import Rate, Yuan, export_response
from .models import EventKind
from .selectors import summary

__all__ = [
    "EXPORT_FORMATS",
    "VISITOR_COOKIE",
    "EventKind",
    "Rate",
    "Yuan",
    "export_response",
    "summary",
    "track",
    "track_page",
]
