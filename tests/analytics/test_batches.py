"""The Redis buffer's batch entries: one entry per shop per push (marshal of the batch with a uid block), read by
the flusher next to the per-event JSON rows pushed before them; malformed entries are dropped, never blocking."""

import json
import logging
import marshal
import uuid

import pytest
from django.http import HttpResponse
from django.test import RequestFactory
from django_tenants.utils import tenant_context

from tenant_apps.analytics import collect, services
from tenant_apps.analytics.models import Event, EventKind, Source, Visitor

from .conftest import DAY1, at

pytestmark = pytest.mark.django_db


def event(shop, n: int, **fields) -> tuple:
    """One item as _buffer holds it: (schema, kind, time, visitor, member, product, share code, source, ref)."""
    values = {"kind": "view_product", "at": at(DAY1, 10) + n * 1.2345678, "visitor": f"visitor-{n:012d}",
              "member": None, "product": n, "share": "", "source": "direct", "ref": ""} | fields  # fmt: skip
    return (shop.schema_name, *values.values())


def entries(shop) -> list[bytes]:
    return collect.get_redis_connection("default").lrange(collect.buffer_key(shop.schema_name), 0, -1)


def old_row(shop, n: int) -> str:
    """A per-event entry as pushed before batch entries: [uid, kind, time, visitor, member, product, share, source,
    ref] in JSON."""
    _schema, kind, when, *rest = event(shop, n)
    return json.dumps([collect.next_uid(), kind, round(when, 3), *rest])


def stored(shop) -> list[tuple]:
    with tenant_context(shop):
        return list(
            Event.objects.order_by("at", "id").values_list(
                "uid", "kind", "at", "visitor", "member_id", "product_id", "share_code", "source", "ref"
            )
        )


def test_a_push_is_one_entry_per_shop_and_flushes_every_event_with_distinct_uids(shop_a, shop_b):
    items = [event(shop_a, n) for n in range(30)]
    items[3] = event(shop_a, 3, kind="share", member=42, product=None, share="abcdef012345", source="")
    items[4] = event(shop_a, 4, source="distributor", ref="ABC123")
    mixed = [item for n, a_item in enumerate(items) for item in (a_item, event(shop_b, 100 + n))]
    collect._push(mixed)

    assert len(entries(shop_a)) == len(entries(shop_b)) == 1  # one entry per shop, however many events
    assert collect.shops_key() and set(collect.buffered_shops()) == {shop_a.schema_name, shop_b.schema_name}
    version, prefix, first, batch = marshal.loads(entries(shop_a)[0])
    assert (version, batch) == (collect.BATCH_FORMAT, items)  # the shop's own events, in order
    with tenant_context(shop_a):
        assert services.flush_events() == 30
    rows = stored(shop_a)
    assert [row[0] for row in rows] == [uuid.UUID(f"{prefix}{first + n:016x}") for n in range(30)]
    for row, (_, kind, when, visitor, member, product, share, source, ref) in zip(rows, items, strict=True):
        assert row[1:2] + row[3:] == (kind, visitor, member, product, share, source, ref)
        assert row[2].timestamp() == round(when, 3)  # to the millisecond, as the per-event rows were
    with tenant_context(shop_b):
        assert services.flush_events() == 30
    assert {row[3] for row in stored(shop_b)} == {f"visitor-{100 + n:012d}" for n in range(30)}
    assert collect.buffered_shops() == []
    # the next push continues the counter: a new block, no uid reused
    collect._push([event(shop_a, 99)])
    assert marshal.loads(entries(shop_a)[0])[2] >= first + 60


def test_a_reflush_after_a_crash_between_insert_and_trim_stores_nothing_twice(shop_a, monkeypatch):
    collect._push([event(shop_a, n) for n in range(20)])
    collect._push([event(shop_a, n) for n in range(20, 25)])
    trim = collect.trim

    def crash(*args):
        raise ConnectionError("the flusher died after the insert")

    monkeypatch.setattr(collect, "trim", crash)
    with tenant_context(shop_a), pytest.raises(ConnectionError):
        services.flush_events(batch=1000)
    assert len(stored(shop_a)) == 25 and len(entries(shop_a)) == 2  # inserted, not trimmed
    monkeypatch.setattr(collect, "trim", trim)
    with tenant_context(shop_a):
        services.flush_events(batch=1000)
        assert Visitor.objects.count() == 25
    rows = stored(shop_a)
    assert len(rows) == len({row[0] for row in rows}) == 25
    assert entries(shop_a) == []


def test_per_event_rows_and_batch_entries_in_one_buffer_all_flush(shop_a):
    redis = collect.get_redis_connection("default")
    key = collect.buffer_key(shop_a.schema_name)
    redis.rpush(key, *[old_row(shop_a, n) for n in range(3)])  # pushed by a process before the deploy
    collect._push([event(shop_a, n) for n in range(3, 10)])
    redis.rpush(key, old_row(shop_a, 10))
    collect._push([event(shop_a, n) for n in range(11, 13)])

    assert collect.read(shop_a.schema_name, 4) == (4, collect.drain(shop_a.schema_name, 4))
    assert len(collect.drain(shop_a.schema_name, 4)) == 10  # whole entries: 3 rows, then a batch of 7
    with tenant_context(shop_a):
        assert services.flush_events(batch=2) == 13
    rows = stored(shop_a)
    assert [row[3] for row in rows] == [f"visitor-{n:012d}" for n in range(13)]
    assert len({row[0] for row in rows}) == 13
    assert entries(shop_a) == [] and collect.buffered_shops() == []


def test_a_transaction_takes_about_batch_events_in_whole_entries(shop_a):
    for start in range(0, 200, 40):
        collect._push([event(shop_a, n) for n in range(start, start + 40)])
    schema = shop_a.schema_name
    assert [collect.read(schema, count)[0] for count in (1, 40, 41, 50, 80, 1000)] == [1, 1, 2, 2, 2, 5]
    assert len(collect.read(schema, 50)[1]) == 80


def test_a_malformed_entry_is_dropped_with_a_warning_and_the_rest_flush(shop_a, shop_b, caplog):
    redis = collect.get_redis_connection("default")
    key = collect.buffer_key(shop_a.schema_name)
    collect._push([event(shop_a, n) for n in range(5)])
    bad = [
        b"\x00garbage",
        b"[not json",
        marshal.dumps((collect.BATCH_FORMAT, "not-a-uid-prefix", 0, [event(shop_a, 90)])),
        marshal.dumps((99, "0123456789abcdef", 0, [event(shop_a, 91)])),  # a format this code does not know
        marshal.dumps((collect.BATCH_FORMAT, "0123456789abcdef", 0, [event(shop_b, 92)])),  # another shop's
        collect.encode_batch([event(shop_a, 93)])[:-3],  # truncated
    ]
    redis.rpush(key, *bad)
    redis.rpush(key, old_row(shop_a, 5))
    collect._push([event(shop_a, n) for n in range(6, 9)])

    with caplog.at_level(logging.WARNING, logger="tenant_apps.analytics.collect"), tenant_context(shop_a):
        assert services.flush_events(batch=3) == 9
    assert [row[3] for row in stored(shop_a)] == [f"visitor-{n:012d}" for n in range(9)]
    assert sum("malformed buffer entry" in message for message in caplog.messages) == len(bad)
    assert entries(shop_a) == [] and stored(shop_b) == []


def test_choices_members_and_other_subclasses_are_pushed_as_plain_values(shop_a):
    class Number(int):
        pass

    with tenant_context(shop_a):
        collect.record(EventKind.SHARE, visitor="visitor-000000000001", source=Source.SHARE, product_id=Number(5))
    batch = collect.encode_batch([event(shop_a, 1, kind=EventKind.VIEW_SHOP, product=Number(7))])
    assert marshal.loads(batch)[3][0][1:6:4] == ("view_shop", 7)
    [row] = collect.drain(shop_a.schema_name, 10)
    assert (type(row[1]), row[1], row[7], type(row[5])) == (str, "share", "share", int)


@pytest.mark.parametrize(
    ("proxy_header", "meta"),
    [
        (None, {}),
        (None, {"wsgi.url_scheme": "https"}),
        (("HTTP_X_FORWARDED_PROTO", "https"), {}),
        (("HTTP_X_FORWARDED_PROTO", "https"), {"wsgi.url_scheme": "https"}),
        (("HTTP_X_FORWARDED_PROTO", "https"), {"HTTP_X_FORWARDED_PROTO": "https"}),
        (("HTTP_X_FORWARDED_PROTO", "https"), {"HTTP_X_FORWARDED_PROTO": " https , http"}),
        (("HTTP_X_FORWARDED_PROTO", "https"), {"HTTP_X_FORWARDED_PROTO": "http", "wsgi.url_scheme": "https"}),
        (("HTTP_X_FORWARDED_PROTO", "https"), {"HTTP_X_FORWARDED_PROTO": ""}),
    ],
)
def test_is_secure_answers_as_django_does(settings, proxy_header, meta):
    settings.SECURE_PROXY_SSL_HEADER = proxy_header
    request = RequestFactory().get("/", **meta)
    assert collect.is_secure(request) is request.is_secure()


def test_the_visitor_cookie_line_is_what_django_writes_for_the_handler():
    """Django's WSGI handler calls morsel.output(header="") per cookie: the override answers the same."""
    from http.cookies import Morsel

    response = HttpResponse()
    collect.set_visitor_cookie(response, "AbC-_0123456789abcdefg", secure=True)
    got = response.cookies[collect.VISITOR_COOKIE]
    plain = Morsel()
    plain.set(got.key, got.value, got.coded_value)
    plain.update(got)
    assert got.output(header="") == plain.output(header="")
    assert got.output() == plain.output() and got.output(attrs=["path"]) == plain.output(attrs=["path"])


def test_bots_are_told_apart_the_same_way_with_the_agents_remembered(monkeypatch):
    monkeypatch.setattr(collect, "AGENTS_KEPT", 3)
    monkeypatch.setattr(collect, "_agents", {})
    agents = {
        "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/120.0 Safari/537.36": False,
        "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)": True,
        "Baiduspider-render/2.0": True,
        "Mozilla/5.0 HeadlessChrome/120.0": True,
        "SomeCrawler/1.0": True,
        "": False,
    }
    factory = RequestFactory()
    for _ in range(2):  # the second time from the remembered answers (and an emptied dict)
        for agent, bot in agents.items():
            assert collect.is_bot(factory.get("/", HTTP_USER_AGENT=agent)) is bot
    assert collect.is_bot(factory.get("/")) is False  # no User-Agent header
    assert len(collect._agents) <= 3
