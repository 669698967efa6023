"""Storefront caches keyed by the shop's catalog version (the catalog keeps it: catalog migration 0005).

A cached value is stored under `sf:<schema>:<version>:<key>`; any shopper-visible catalog change commits
a new version, so stale entries are simply never asked for again. Two levels: a small per-process LRU
(a hit costs no network round trip) and the shared Redis cache. Values are shared between requests:
callers treat them as read-only.

Whole anonymous pages are cached too (`cache_anonymous_page`, keyed by `page_cache_key`): see there.
"""

import contextvars
import functools
import hashlib
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from typing import TypeVar

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.http import HttpResponse
from django.utils.translation import get_language

from tenant_apps.catalog.interface import catalog_version
from tenant_apps.pricing.interface import price_window_token
from themes.registry import available_themes

from .models import ThemeSettings

__all__ = [
    "cache_anonymous_page",
    "cached_by_catalog",
    "catalog_version",
    "clear_local_cache",
    "page_cache_key",
    "pinned_theme_settings",
    "price_window_token",
]

T = TypeVar("T")
CACHE_SECONDS = 600  # settings.STOREFRONT_CACHE_SECONDS overrides; 0 turns caching off
LOCAL_ENTRIES = 512

_local: OrderedDict[str, object] = OrderedDict()
_local_lock = threading.Lock()


def cached_by_catalog(key: str, compute: Callable[[], T]) -> T:
    """`compute()` cached per shop and catalog version.

    The version is read before the data is computed, so a cached value is never older than its key
    (at worst newer, which is harmless). `compute` may raise (bad input): nothing is cached then.
    """
    seconds = getattr(settings, "STOREFRONT_CACHE_SECONDS", CACHE_SECONDS)
    if not seconds:
        return compute()
    version = _page_catalog_version.get()
    if version is None:
        version = catalog_version()
    # The price-window token: a scheduled price change (e.g. at 10:00:00) starts new keys at that second.
    full_key = f"sf:{connection.schema_name}:{version}:{price_window_token()}:{key}"
    with _local_lock:
        value = _local.get(full_key)
        if value is not None:
            _local.move_to_end(full_key)
            return value
    value = cache.get(full_key)
    if value is None:
        value = compute()
        cache.set(full_key, value, seconds)
    with _local_lock:
        _local[full_key] = value
        while len(_local) > LOCAL_ENTRIES:
            _local.popitem(last=False)
    return value


def clear_local_cache() -> None:
    with _local_lock:
        _local.clear()
        _pages.clear()
        _versions.clear()


# --- Whole anonymous pages ------------------------------------------------------------------------------
#
# A storefront page is the same for every anonymous shopper of a shop (member data is fetched by the
# theme's JavaScript), so the rendered HTML is cached under a key naming everything it depends on
# (`page_cache_key`). A hit costs no database query: the shop's versions are read in one query and
# remembered by the process for STOREFRONT_PAGE_VERSION_TTL seconds (default 1), so a catalog or theme
# change reaches cached pages within that second. Requests with a session cookie or credentials, and
# responses that set a cookie, vary on the cookie, or used the CSRF token, are never cached or served from
# the cache. Stock counts in a cached product page are as of rendering; a SKU selling out or coming back
# bumps the catalog version, so availability is never stale beyond the TTL (checkout re-checks stock).

PAGE_CACHE_SECONDS = 300  # settings.STOREFRONT_PAGE_CACHE_SECONDS overrides; 0 turns page caching off
PAGE_VERSION_TTL = 1.0
LOCAL_PAGES = 256
_pages: OrderedDict[str, tuple] = OrderedDict()
_versions: dict[str, tuple[float, int, str]] = {}
# The catalog version a page was keyed with, so fragments rendered for it use the same one (no second read).
_page_catalog_version: contextvars.ContextVar[int | None] = contextvars.ContextVar("page_version", default=None)
NOT_READ = object()
_page_theme_row: contextvars.ContextVar[ThemeSettings | object | None] = contextvars.ContextVar(
    "page_theme_row", default=NOT_READ
)
clock = time.monotonic  # how long versions are remembered; tests step it instead of sleeping


def _themes_token() -> str:
    """The installed themes and their versions: a deploy that ships new theme versions changes page keys."""
    return ",".join(sorted(f"{theme.slug}@{theme.version}" for theme in available_themes()))


def shop_versions() -> tuple[int, str, ThemeSettings | object | None]:
    """(catalog version, theme settings version, the theme settings row or NOT_READ) of the current shop.

    Remembered per process for STOREFRONT_PAGE_VERSION_TTL seconds, so most page hits make no query;
    otherwise two small reads (the catalog's counters, the theme settings row), and the row is handed on
    to the page being rendered so that it is not read twice.
    """
    schema = connection.schema_name
    ttl = getattr(settings, "STOREFRONT_PAGE_VERSION_TTL", PAGE_VERSION_TTL)
    remembered = _versions.get(schema)
    if remembered and clock() < remembered[0]:
        return remembered[1], remembered[2], NOT_READ
    catalog = catalog_version()
    row = ThemeSettings.objects.filter(pk=1).first()
    theme = f"{row.theme}:{row.version}:{row.updated.timestamp()}" if row else ""
    if ttl > 0:
        _versions[schema] = (clock() + ttl, catalog, theme)
    return catalog, theme, row


def pinned_theme_settings() -> ThemeSettings | object | None:
    """The theme settings row the page cache read for the page being rendered, else NOT_READ."""
    return _page_theme_row.get()


def page_cache_key(request, catalog: int, theme_settings: str) -> str:
    """The one place that says what a cached storefront page depends on."""
    shop = request.shop
    parts = [
        connection.schema_name,
        catalog,  # products, prices, categories, availability
        theme_settings,  # the merchant's theme choice and settings
        price_window_token(),  # time-limited prices
        _themes_token(),  # theme code and templates
        shop.name,
        shop.currency,
        getattr(shop, "template", ""),
        get_language(),
        request.scheme,
        request.get_host(),  # absolute share links
        request.get_full_path(),
    ]
    return f"sf:page:{hashlib.sha1(repr(parts).encode()).hexdigest()}"


def _anonymous(request) -> bool:
    return (
        request.method in ("GET", "HEAD")
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and "HTTP_AUTHORIZATION" not in request.META
    )


def _storable(request, response) -> bool:
    cache_control = response.get("Cache-Control", "").lower()
    return (
        response.status_code == 200
        and not response.streaming
        and not response.cookies
        and "cookie" not in response.get("Vary", "").lower()
        and "private" not in cache_control
        and "no-store" not in cache_control
        and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
    )


def cache_anonymous_page(view):
    """Serve the view's rendered page from the cache for anonymous shoppers (see the section comment)."""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        seconds = getattr(settings, "STOREFRONT_PAGE_CACHE_SECONDS", PAGE_CACHE_SECONDS)
        if not seconds or not _anonymous(request):
            return view(request, *args, **kwargs)
        catalog, theme_settings, row = shop_versions()
        key = page_cache_key(request, catalog, theme_settings)
        with _local_lock:
            stored = _pages.get(key)
            if stored is not None:
                _pages.move_to_end(key)
        if stored is None:
            stored = cache.get(key)
            if stored is not None:
                _remember_page(key, stored)
        if stored is not None:
            content, content_type = stored
            return HttpResponse(content, content_type=content_type, headers={"X-Storefront-Cache": "hit"})
        pinned, pinned_row = _page_catalog_version.set(catalog), _page_theme_row.set(row)
        try:
            response = view(request, *args, **kwargs)
        finally:
            _page_catalog_version.reset(pinned)
            _page_theme_row.reset(pinned_row)
        if _storable(request, response):
            stored = (response.content, response["Content-Type"])
            cache.set(key, stored, seconds)
            _remember_page(key, stored)
            response["X-Storefront-Cache"] = "miss"
        return response

    return wrapper


def _remember_page(key: str, stored: tuple) -> None:
    with _local_lock:
        _pages[key] = stored
        while len(_pages) > LOCAL_PAGES:
            _pages.popitem(last=False)
