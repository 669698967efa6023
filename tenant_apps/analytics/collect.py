"""The hot path: who is this visitor, and one event pushed to the shop's Redis buffer. No database access.

A storefront page view appends the event to this process's list; every 2 seconds (or every 2,000 events) one
pipelined Redis round trip RPUSHes them onto each shop's list and SADDs the shops into the set of shops with
buffered events. `tasks.flush_all` drains those buffers into `Event` rows in batches (services.flush_events).
Redis being down loses events, never a page: errors are logged and dropped.

Visitor identity: a first-party cookie `mm_vid` (random, two years), sent with the storefront's same-origin API
calls too, so the API hooks know the browser and, with a member token, the member behind it. Cookieless API
clients (apps, mini programs) send `X-Visitor-Id`, else a signed-in member counts as `m<member id>`.
"""

import atexit
import binascii
import functools
import hashlib
import itertools
import json
import logging
import os
import re
import threading
import time
from http.cookies import Morsel
from urllib.parse import urlparse

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django_redis import get_redis_connection

from .models import EventKind, Source

logger = logging.getLogger(__name__)

VISITOR_COOKIE = "mm_vid"
VISITOR_COOKIE_AGE = 2 * 365 * 24 * 3600
VISITOR_RE = re.compile(r"^[A-Za-z0-9_-]{16,40}$")
SHARE_CODE_RE = re.compile(r"^[0-9a-f]{12}$")
REF_RE = re.compile(r"^[A-Za-z0-9]{1,32}$")


def collecting() -> bool:
    return getattr(settings, "ANALYTICS_COLLECT", True)


def buffer_key(schema_name: str) -> str:
    return cache.make_key(f"an:buf:{schema_name}")


def shops_key() -> str:
    return cache.make_key("an:shops")


def share_code_of(visitor: str) -> str:
    """The visitor's own code for shared links (?s=): stable, and it does not reveal the cookie."""
    key = settings.SECRET_KEY.encode()[:64]
    return hashlib.blake2b(visitor.encode(), key=key, digest_size=6).hexdigest()


def is_bot(request) -> bool:
    agent = request.META.get("HTTP_USER_AGENT", "").lower()
    # spelt out: any() over a tuple of words costs a generator per page view
    return "bot" in agent or "spider" in agent or "crawl" in agent or "headless" in agent


def cookie_visitor(request) -> str | None:
    value = request.COOKIES.get(VISITOR_COOKIE, "")
    return value if VISITOR_RE.match(value) else None


_URL_SAFE = bytes.maketrans(b"+/", b"-_")


def new_visitor_id() -> str:
    """128 random bits, URL-safe: what secrets.token_urlsafe(16) makes (22 characters), without base64's Python
    layers (urlsafe_b64encode -> b64encode -> binascii)."""
    return binascii.b2a_base64(os.urandom(16), newline=False)[:22].translate(_URL_SAFE).decode()


class VisitorMorsel(Morsel):
    """The visitor cookie, built without SimpleCookie's per-attribute checks and quoting (tens of µs per new
    visitor on the hot path): the attributes are fixed and the id needs no quoting (VISITOR_RE)."""

    line = ""

    def OutputString(self, attrs=None):
        return self.line or super().OutputString(attrs)  # a copy or an unpickled one: the standard way


def _template(secure: bool) -> tuple[dict, str]:
    """The attributes (Max-Age only: no Expires date to format; every current browser honours Max-Age) and the
    header line after the value, made once with the standard library."""
    morsel = Morsel()
    morsel.set(VISITOR_COOKIE, "v", "v")
    morsel.update({"max-age": VISITOR_COOKIE_AGE, "path": "/", "samesite": "Lax", "httponly": True})
    if secure:
        morsel["secure"] = True
    return dict(morsel), morsel.OutputString()[len(f"{VISITOR_COOKIE}=v") :]


_COOKIE_TEMPLATES = {secure: _template(secure) for secure in (False, True)}


def set_visitor_cookie(response, visitor: str, *, secure: bool) -> None:
    attributes, tail = _COOKIE_TEMPLATES[secure]
    # No Morsel.__init__ (a Python loop filling every attribute with ""): the template holds all of them.
    morsel = VisitorMorsel.__new__(VisitorMorsel)
    dict.update(morsel, attributes)
    morsel._key, morsel._value, morsel._coded_value = VISITOR_COOKIE, visitor, visitor
    morsel.line = f"{VISITOR_COOKIE}={visitor}{tail}"
    dict.__setitem__(response.cookies, VISITOR_COOKIE, morsel)


DIRECT = (Source.DIRECT, "", "")


def arrival(request) -> tuple[str, str, str]:
    """Where a page view came from, as (source, share code, ref): a shared link (?s=), a distributor link
    (?ref=), a campaign, a site. A tuple, not a dict: it goes straight into the event."""
    meta = request.META
    if meta.get("QUERY_STRING"):  # no QueryDict to build for the common page without one
        params = request.GET
        share = params.get("s", "")
        if SHARE_CODE_RE.match(share):
            return Source.SHARE, share, ""
        ref = params.get("ref", "")
        if REF_RE.match(ref):
            return Source.DISTRIBUTOR, "", ref.upper()
        if params.get("utm_source"):
            return Source.CAMPAIGN, "", ""
    referer = meta.get("HTTP_REFERER", "")
    if referer and urlparse(referer).netloc.split(":")[0] != request.get_host().split(":")[0]:
        return Source.REFERRAL, "", ""
    return DIRECT


def record(
    kind: str,
    *,
    visitor: str,
    member_id: int | None = None,
    product_id: int | None = None,
    share_code: str = "",
    source: str = "",
    ref: str = "",
    at: float | None = None,
    schema: str = "",
) -> None:
    """Buffer one event of the current shop; never raises. `at`: a Unix time (imports, tests); now by default.
    `schema`: the shop's schema when the caller knows it (reading it from the connection proxy costs µs).

    With ANALYTICS_LOCAL_BUFFER = N > 0 (default 2,000) the event first joins this process's list as a tuple, pushed
    to Redis in one pipelined round trip when N events are waiting or after ANALYTICS_LOCAL_SECONDS (2 s, a daemon
    thread), and at exit: a page view costs no network round trip, and its uid and JSON are made by the pusher.
    The price: a killed process loses at most those 2 seconds of events. 0 pushes every event at once (the tests).
    """
    if collecting():
        _buffer((schema or connection.schema_name, kind, time.time() if at is None else at, visitor, member_id,
                 product_id, share_code, source, ref))  # fmt: skip


def _buffer(item: tuple) -> None:
    """record() after its checks; the page decorator calls it directly (no keyword call, no second check)."""
    limit = getattr(settings, "ANALYTICS_LOCAL_BUFFER", 2000)
    if limit <= 0:
        _push([item])
        return
    with _pending_lock:
        _pending.append(item)
        waiting = len(_pending)
    if not _pusher_started:
        _start_pusher()
    if waiting >= limit:
        _wake.set()  # the pusher thread sends them: no network wait on the request path
        if waiting >= HARD_LIMIT:  # the thread cannot keep up (or died): push here rather than grow
            push_pending()


HARD_LIMIT = 10_000
_pending: list[tuple] = []
_pending_lock = threading.Lock()
_wake = threading.Event()
_pusher_started = False
# Event uids: a random 64-bit prefix per process (drawn again in a forked child) and a counter, 32 hex digits
# like a UUID: unique across processes without a getrandom() system call per event.
_uid_prefix = os.urandom(8).hex()
_uid_counter = itertools.count()


def next_uid() -> str:
    return f"{_uid_prefix}{next(_uid_counter):016x}"


def _after_fork_in_child() -> None:
    global _uid_prefix, _uid_counter, _pusher_started, _pending_lock, _wake
    _uid_prefix, _uid_counter = os.urandom(8).hex(), itertools.count()
    _pending.clear()  # the parent pushes its own
    _pending_lock, _wake = threading.Lock(), threading.Event()
    _pusher_started = False


os.register_at_fork(after_in_child=_after_fork_in_child)


def push_pending() -> int:
    """Push what this process holds to Redis now (one pipelined round trip); returns how many events."""
    with _pending_lock:
        items = _pending[:]
        _pending.clear()
    if items:
        _push(items)
    return len(items)


# A row is a flat list of strings and numbers: no cycle to look for (check_circular costs a dict per row).
_ROW_ENCODER = json.JSONEncoder(separators=(",", ":"), check_circular=False)


def json_rows(rows: list[list]) -> list[str]:
    """Each row as JSON, from one encoder call for them all: per row, the encoder's own setup costs more than the
    encoding. Rows are flat, so in the whole list's text "],[" is found between rows only, unless a string holds
    it: then there are more pieces than rows, and each row is encoded alone."""
    encode = _ROW_ENCODER.encode
    pieces = encode(rows)[2:-2].split("],[")
    return [f"[{piece}]" for piece in pieces] if len(pieces) == len(rows) else [encode(row) for row in rows]


def _push(items: list[tuple]) -> None:
    """One pipelined round trip: each event as a JSON row [uid, kind, time, visitor, member, product, share code,
    source, ref] onto its shop's list, and the shops into the set of shops with buffered events."""
    by_schema: dict[str, list[list]] = {}
    for schema, kind, when, *rest in items:
        by_schema.setdefault(schema, []).append([next_uid(), kind, round(when, 3), *rest])
    try:
        pipe = get_redis_connection("default").pipeline(transaction=False)
        for schema, rows in by_schema.items():
            pipe.rpush(buffer_key(schema), *json_rows(rows))
        pipe.sadd(shops_key(), *by_schema)
        pipe.execute()
    except Exception:  # analytics never breaks a page or a purchase
        logger.warning("analytics: %d events dropped", len(items), exc_info=True)


def _start_pusher() -> None:
    """One daemon thread per process (started again after a fork) pushes the pending events every
    ANALYTICS_LOCAL_SECONDS, or as soon as ANALYTICS_LOCAL_BUFFER of them wait."""
    global _pusher_started
    if _pusher_started:
        return
    with _pending_lock:
        if _pusher_started:
            return
        _pusher_started = True
    seconds = getattr(settings, "ANALYTICS_LOCAL_SECONDS", 2.0)

    def loop() -> None:
        while True:
            _wake.wait(seconds)
            _wake.clear()
            push_pending()

    threading.Thread(target=loop, name="analytics-push", daemon=True).start()
    atexit.register(push_pending)


def track_page(kind: str = EventKind.VIEW_SHOP, *, product_kwarg: str | None = None):
    """Decorator for storefront pages: after a 200 GET, buffer a view and give a new browser its cookie.

    Wraps outside the page cache, so cached pages are counted too and the cookie never reaches a cached copy.
    """

    def decorate(view):
        @functools.wraps(view)
        def wrapper(request, *args, **kwargs):
            response = view(request, *args, **kwargs)
            if response.status_code != 200 or request.method != "GET" or not collecting() or is_bot(request):
                return response
            visitor = cookie_visitor(request)
            if visitor is None:
                visitor = new_visitor_id()
                set_visitor_cookie(response, visitor, secure=request.is_secure())
            source, share_code, ref = arrival(request)
            if share_code and share_code == share_code_of(visitor):
                source, share_code = Source.DIRECT, ""  # one's own shared link
            shop = getattr(request, "shop", None)
            _buffer((shop.schema_name if shop else connection.schema_name, kind, time.time(), visitor, None,
                     kwargs.get(product_kwarg) if product_kwarg else None, share_code, source, ref))  # fmt: skip
            return response

        return wrapper

    return decorate


def api_visitor(request, member_id: int | None) -> str | None:
    """The visitor behind an API call: the cookie, else X-Visitor-Id, else the member; None when anonymous."""
    visitor = cookie_visitor(request)
    if visitor:
        return visitor
    header = request.META.get("HTTP_X_VISITOR_ID", "")
    if VISITOR_RE.match(header):
        return header
    return f"m{member_id}" if member_id else None


def member_id_of(request) -> int | None:
    from tenant_apps.members.interface import Member

    user = getattr(request, "user", None)
    return user.pk if isinstance(user, Member) else None


def track(request, kind: str, *, product_id: int | None = None) -> str | None:
    """API hook (add to cart, share, app views): buffer an event for the caller; returns its visitor id."""
    if not collecting():
        return None
    member_id = member_id_of(request)
    visitor = api_visitor(request, member_id)
    if visitor is None:
        return None
    record(kind, visitor=visitor, member_id=member_id, product_id=product_id)
    return visitor


def drain(schema_name: str, count: int) -> list[list]:
    """The oldest `count` buffered events of a shop, left in the buffer (trim them once they are stored)."""
    raw = get_redis_connection("default").lrange(buffer_key(schema_name), 0, count - 1)
    return [json.loads(item) for item in raw]


def trim(schema_name: str, count: int) -> None:
    get_redis_connection("default").ltrim(buffer_key(schema_name), count, -1)


def buffered_shops() -> list[str]:
    return sorted(
        s.decode() if isinstance(s, bytes) else s for s in get_redis_connection("default").smembers(shops_key())
    )


# Atomic: a push between "empty?" and "forget" cannot be lost (the pusher's SADD follows its RPUSH).
FORGET_IF_EMPTY = "if redis.call('llen', KEYS[1]) == 0 then return redis.call('srem', KEYS[2], ARGV[1]) end return 0"


def forget_shop_if_empty(schema_name: str) -> None:
    get_redis_connection("default").eval(FORGET_IF_EMPTY, 2, buffer_key(schema_name), shops_key(), schema_name)


def acquire_flush_lock(schema_name: str, seconds: int = 120) -> bool:
    return bool(get_redis_connection("default").set(cache.make_key(f"an:lock:{schema_name}"), 1, nx=True, ex=seconds))


def release_flush_lock(schema_name: str) -> None:
    get_redis_connection("default").delete(cache.make_key(f"an:lock:{schema_name}"))
