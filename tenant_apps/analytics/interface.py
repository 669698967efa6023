"""What other shop apps (and the public side, in a shop's schema) may use of the data centre.

Storefront pages: `@track_page(kind, product_kwarg=...)` outside the page cache. API views: `track(request,
kind, product_id=...)` after a success. Dashboard figures: `summary(start, end)`.
"""

from .collect import VISITOR_COOKIE, track, track_page
from .models import EventKind
from .selectors import summary

__all__ = ["VISITOR_COOKIE", "EventKind", "summary", "track", "track_page"]
