"""The hot path: who is this visitor, and one event pushed to the shop's Redis buffer. No database access.

A storefront page view appends the event to this process's list; every 2 seconds (or every 2,000 events) one
pipelined Redis round trip RPUSHes each shop's share of them as ONE entry onto the shop's list (encode_batch:
the events in one marshal call, with a block of uids) and SADDs the shops into the set of shops with buffered
events. `tasks.flush_all` drains those buffers into `Event` rows in batches (services.flush_events).
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
import marshal
import operator
import os
import re
import threading
import time
from http.cookies import Morsel
from urllib.parse import urlparse

from django.conf import settings
from django.core.cache import cache
from django.core.signals import setting_changed
from django.db import connection
from django_redis import get_redis_connection

from .models import EventKind, Source

logger = logging.getLogger(__name__)

VISITOR_COOKIE = "mm_vid"
VISITOR_COOKIE_AGE = 2 * 365 * 24 * 3600
VISITOR_RE = re.compile(r"^[A-Za-z0-9_-]{16,40}$")
SHARE_CODE_RE = re.compile(r"^[0-9a-f]{12}$")
REF_RE = re.compile(r"^[A-Za-z0-9]{1,32}$")


# The settings read on every page view, kept in module globals: each `settings.X` goes through LazyObject's Python
# __getattribute__ (a frame, super() and a getattr), 1-2K instructions per read. Read again whenever a setting
# changes (override_settings in the tests and benches sends setting_changed).
_collect = True
_local_buffer = 2000
_proxy_ssl_header: tuple[str, str] | None = None


def _read_settings(**_) -> None:
    global _collect, _local_buffer, _proxy_ssl_header
    _collect = getattr(settings, "ANALYTICS_COLLECT", True)
    _local_buffer = getattr(settings, "ANALYTICS_LOCAL_BUFFER", 2000)
    _proxy_ssl_header = settings.SECURE_PROXY_SSL_HEADER


_read_settings()
setting_changed.connect(_read_settings, weak=False, dispatch_uid="analytics.collect._read_settings")


def collecting() -> bool:
    return _collect


def buffer_key(schema_name: str) -> str:
    return cache.make_key(f"an:buf:{schema_name}")


def shops_key() -> str:
    return cache.make_key("an:shops")


def share_code_of(visitor: str) -> str:
    """The visitor's own code for shared links (?s=): stable, and it does not reveal the cookie."""
    key = settings.SECRET_KEY.encode()[:64]
    return hashlib.blake2b(visitor.encode(), key=key, digest_size=6).hexdigest()


def is_bot(request) -> bool:
    agent = request.META.get("HTTP_USER_AGENT", "")
    found = _agents.get(agent)
    if found is None:
        lowered = agent.lower()
        # spelt out: any() over a tuple of words costs a generator per page view
        found = "bot" in lowered or "spider" in lowered or "crawl" in lowered or "headless" in lowered
        if len(_agents) >= AGENTS_KEPT:
            _agents.clear()
        _agents[agent] = found
    return found


# User agents seen, bot or not: a few browsers' agents make most page views, and a dict hit costs a third of
# lowering a ~110-character agent and searching it four times (callgrind). Emptied when full.
AGENTS_KEPT = 1024
_agents: dict[str, bool] = {}


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
        if self.line and attrs is None:
            return self.line
        return super().OutputString(attrs)  # some attributes only, a copy or an unpickled one: the standard way

    def output(self, attrs=None, header="Set-Cookie:"):
        """What Django's handler calls per cookie (header=""): the line without a second Python frame."""
        if self.line and attrs is None:
            return f"{header} {self.line}"
        return super().output(attrs, header)


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


def is_secure(request) -> bool:
    """request.is_secure(), without its two reads of settings.SECURE_PROXY_SSL_HEADER through the settings proxy
    and its two Python frames: the same answer (Django's HttpRequest.scheme), tested side by side."""
    if _proxy_ssl_header:
        try:
            header, secure_value = _proxy_ssl_header
        except ValueError:  # misconfigured: Django's own error
            return request.is_secure()
        value = request.META.get(header)
        if value is not None:
            return value.split(",", 1)[0].strip() == secure_value
    return request._get_scheme() == "https"


# Plain str, not the choices members: the pusher's marshal takes built-in types only.
DIRECT_SOURCE, SHARE_SOURCE, DISTRIBUTOR_SOURCE, CAMPAIGN_SOURCE, REFERRAL_SOURCE = (
    str(choice) for choice in (Source.DIRECT, Source.SHARE, Source.DISTRIBUTOR, Source.CAMPAIGN, Source.REFERRAL)
)
DIRECT = (DIRECT_SOURCE, "", "")


def arrival(request) -> tuple[str, str, str]:
    """Where a page view came from, as (source, share code, ref): a shared link (?s=), a distributor link
    (?ref=), a campaign, a site. A tuple, not a dict: it goes straight into the event."""
    meta = request.META
    if meta.get("QUERY_STRING"):  # no QueryDict to build for the common page without one
        params = request.GET
        share = params.get("s", "")
        if SHARE_CODE_RE.match(share):
            return SHARE_SOURCE, share, ""
        ref = params.get("ref", "")
        if REF_RE.match(ref):
            return DISTRIBUTOR_SOURCE, "", ref.upper()
        if params.get("utm_source"):
            return CAMPAIGN_SOURCE, "", ""
    referer = meta.get("HTTP_REFERER", "")
    if referer and urlparse(referer).netloc.split(":")[0] != request.get_host().split(":")[0]:
        return REFERRAL_SOURCE, "", ""
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
    thread), and at exit: a page view costs no network round trip, and its uid and encoding are made by the
    pusher. The price: a killed process loses at most those 2 seconds of events. 0 pushes every event at once
    (the tests).
    """
    if _collect:
        _buffer((schema or connection.schema_name, _plain(kind), time.time() if at is None else at, visitor,
                 member_id, product_id, share_code, _plain(source), ref))  # fmt: skip


def _plain(value):
    """A str, int or float subclass (a choices member) as the built-in value: marshal takes only those."""
    kind = type(value)
    if kind is str or value is None or kind is int or kind is float or kind is bool:
        return value
    if isinstance(value, str):
        return str.__str__(value)
    if isinstance(value, int):
        return operator.index(value)
    if isinstance(value, float):
        return float(value)
    return value


def _buffer(item: tuple) -> None:
    """record() after its checks; the page decorator calls it directly (no keyword call, no second check).

    No lock: under the GIL list.append is atomic, and a pusher takes the list's first n items with a copy and a
    `del` (each atomic too; pushers take turns under _push_lock), so an event appended meanwhile stays."""
    if _local_buffer <= 0:
        _push([item])
        return
    _pending.append(item)
    if not _pusher_started:
        _start_pusher()
    if len(_pending) >= _local_buffer:
        _wake.set()  # the pusher thread sends them: no network wait on the request path
        if len(_pending) >= HARD_LIMIT:  # the thread cannot keep up (or died): push here rather than grow
            push_pending()


HARD_LIMIT = 10_000
_pending: list[tuple] = []
_push_lock = threading.Lock()
_wake = threading.Event()
_pusher_started = False
# Event uids: a random 64-bit prefix per process (drawn again in a forked child) and a counter, 32 hex digits
# like a UUID: unique across processes without a getrandom() system call per event. A pushed batch reserves a
# block of the counter (its first value and length): the flusher makes each event's uid from the block.
_uid_prefix = os.urandom(8).hex()
_uid_next = 0
_uid_lock = threading.Lock()


def reserve_uids(count: int) -> int:
    """The first of `count` consecutive counter values reserved for one batch."""
    global _uid_next
    with _uid_lock:
        first = _uid_next
        _uid_next += count
    return first


def next_uid() -> str:
    return f"{_uid_prefix}{reserve_uids(1):016x}"


def _after_fork_in_child() -> None:
    global _uid_prefix, _uid_next, _uid_lock, _pusher_started, _push_lock, _wake
    _uid_prefix, _uid_next, _uid_lock = os.urandom(8).hex(), 0, threading.Lock()
    _pending.clear()  # the parent pushes its own
    _push_lock, _wake = threading.Lock(), threading.Event()
    _pusher_started = False


os.register_at_fork(after_in_child=_after_fork_in_child)


def push_pending() -> int:
    """Push what this process holds to Redis now (one pipelined round trip); returns how many events."""
    with _push_lock:
        items = _pending[:]
        del _pending[: len(items)]
        if items:
            _push(items)
    return len(items)


# A buffer entry (a shop's share of one push): marshal of (BATCH_FORMAT, uid prefix, first counter value, events),
# each event the tuple _buffer got: (schema, kind, time, visitor, member id, product id, share code, source, ref).
# marshal, not JSON: one C call for the whole batch either way, but JSON spells every time out as its shortest
# decimal repr (the float-to-text conversion is most of its ~14K instructions per event; marshal writes the 8
# bytes, ~1.3K per event in all, callgrind) and JSON has no tuples; the values are only str, float, int and None,
# which marshal's format 4 (Python 3.4 onwards, pinned here) spells the same in every version. Before batch
# entries each event was its own JSON row, [uid, kind, time, ...]: `decode_entry` reads both.
BATCH_FORMAT = 1
MARSHAL_VERSION = 4
UID_PREFIX_RE = re.compile(r"[0-9a-f]{16}")
_SCHEMA = operator.itemgetter(0)


def encode_batch(events: list[tuple]) -> bytes:
    first = reserve_uids(len(events))
    try:
        return marshal.dumps((BATCH_FORMAT, _uid_prefix, first, events), MARSHAL_VERSION)
    except ValueError:  # an event from a caller that passed e.g. a choices member: made of built-in values
        events = [tuple(map(_plain, event)) for event in events]
        return marshal.dumps((BATCH_FORMAT, _uid_prefix, first, events), MARSHAL_VERSION)


def _push(items: list[tuple]) -> None:
    """One pipelined round trip: each shop's events as ONE entry (encode_batch) onto its list, and the shops into
    the set of shops with buffered events."""
    schemas = set(map(_SCHEMA, items))
    if len(schemas) == 1:
        batches = [items]
    else:
        items.sort(key=_SCHEMA)  # stable: each shop's events keep their order
        batches = [list(events) for _, events in itertools.groupby(items, _SCHEMA)]
    try:
        pipe = get_redis_connection("default").pipeline(transaction=False)
        for events in batches:
            pipe.rpush(buffer_key(events[0][0]), encode_batch(events))
        pipe.sadd(shops_key(), *schemas)
        pipe.execute()
    except Exception:  # analytics never breaks a page or a purchase
        logger.warning("analytics: %d events dropped", len(items), exc_info=True)


def _start_pusher() -> None:
    """One daemon thread per process (started again after a fork) pushes the pending events every
    ANALYTICS_LOCAL_SECONDS, or as soon as ANALYTICS_LOCAL_BUFFER of them wait."""
    global _pusher_started
    if _pusher_started:
        return
    with _push_lock:
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

    kind = _plain(kind)

    def decorate(view):
        @functools.wraps(view)
        def wrapper(request, *args, **kwargs):
            response = view(request, *args, **kwargs)
            if response.status_code != 200 or request.method != "GET" or not _collect or is_bot(request):
                return response
            visitor = cookie_visitor(request)
            if visitor is None:
                visitor = new_visitor_id()
                set_visitor_cookie(response, visitor, secure=is_secure(request))
            meta = request.META
            if meta.get("QUERY_STRING") or meta.get("HTTP_REFERER"):
                source, share_code, ref = arrival(request)
                if share_code and share_code == share_code_of(visitor):
                    source, share_code = DIRECT_SOURCE, ""  # one's own shared link
            else:  # arrival()'s answer for a page without a query or a referer, without its call
                source, share_code, ref = DIRECT
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


def decode_entry(entry: bytes, schema_name: str) -> list[list] | None:
    """A buffer entry's events as rows [uid, kind, time, visitor, member id, product id, share code, source, ref]
    (time rounded to the millisecond, as the per-event rows were); None when the entry is malformed. Reads batch
    entries (encode_batch) and the per-event JSON rows pushed before them."""
    try:
        if entry[:1] == b"[":  # a per-event JSON row; a batch entry starts with marshal's tuple code
            row = json.loads(entry)
            return [row] if isinstance(row, list) else None
        version, prefix, first, events = marshal.loads(entry)
        if version != BATCH_FORMAT or type(first) is not int or first < 0 or not isinstance(events, list | tuple):
            return None
        if not isinstance(prefix, str) or not UID_PREFIX_RE.fullmatch(prefix):
            return None
        rows = []
        for n, (schema, kind, at, *rest) in enumerate(events):
            if schema != schema_name:  # never another shop's event, whatever the entry says
                return None
            rows.append([f"{prefix}{first + n:016x}", kind, round(at, 3), *rest])
        return rows
    except Exception:  # any decoding error: the entry is dropped, not the buffer blocked
        return None


def read(schema_name: str, count: int) -> tuple[int, list[list]]:
    """(entries, rows): the oldest buffer entries of a shop holding at least `count` events (or all of them, if
    fewer), and their events as rows (decode_entry), left in the buffer: trim(schema, entries) once stored. A
    malformed entry is counted (trimmed with the rest) and logged, its events lost.

    An entry may hold one event (per-event rows) or thousands (a push's batch), so the entries are fetched a few
    at a time, as many as the events per entry seen so far say are still needed."""
    redis = get_redis_connection("default")
    key = buffer_key(schema_name)
    rows: list[list] = []
    entries = 0
    page = 1
    while len(rows) < count:
        raw = redis.lrange(key, entries, entries + page - 1)
        for entry in raw:
            decoded = decode_entry(entry, schema_name)
            entries += 1
            if decoded is None:
                logger.warning("analytics: a malformed buffer entry of %s dropped (%d bytes)", schema_name, len(entry))
            else:
                rows += decoded
            if len(rows) >= count:
                break
        if len(raw) < page:
            break
        per_entry = max(1, len(rows) // entries)
        page = max(1, min(1000, (count - len(rows)) // per_entry))
    return entries, rows


def drain(schema_name: str, count: int) -> list[list]:
    """The oldest buffered events of a shop (at least `count`, if there are as many), left in the buffer."""
    return read(schema_name, count)[1]


def trim(schema_name: str, entries: int) -> None:
    """Drop the oldest `entries` entries (what read() counted) of the shop's buffer."""
    get_redis_connection("default").ltrim(buffer_key(schema_name), entries, -1)


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
