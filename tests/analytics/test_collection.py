"""Event collection on the real storefront and API: buffered in Redis (no insert per view), flushed in batches,
visitor cookie, share links, add to cart, checkout; order facts from real orders through the order events."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_tenants.utils import tenant_context

from tenant_apps.analytics import collect, selectors, services, tasks
from tenant_apps.analytics.models import Event, OrderFact, Visitor
from tenant_apps.events.services import drain_due_events
from tests.conftest import host_client
from tests.orders.conftest import place

from .conftest import flush

pytestmark = pytest.mark.django_db


def buffered(shop) -> list[list]:
    return collect.drain(shop.schema_name, 1000)


def test_a_page_view_is_buffered_not_inserted_and_sets_the_visitor_cookie(shop_a, catalog_a):
    client = host_client(shop_a)

    response = client.get(f"/p/{catalog_a.tea.product_id}")

    assert response.status_code == 200
    visitor = response.cookies[collect.VISITOR_COOKIE].value
    assert response.cookies[collect.VISITOR_COOKIE]["httponly"]
    [row] = buffered(shop_a)
    assert row[1:2] + row[3:6] == ["view_product", visitor, None, catalog_a.tea.product_id]
    with tenant_context(shop_a):
        assert Event.objects.count() == 0  # nothing written on the hot path
    client.get("/")  # the same browser keeps its id
    assert buffered(shop_a)[1][3] == visitor
    assert collect.VISITOR_COOKIE not in client.get("/").cookies


def test_cached_pages_are_counted_and_never_cache_the_cookie(shop_a, catalog_a, settings):
    settings.STOREFRONT_PAGE_CACHE_SECONDS = 300
    first, second = host_client(shop_a), host_client(shop_a)
    first.get("/")
    hit = second.get("/")
    assert hit["X-Storefront-Cache"] == "hit"
    ids = {c.cookies[collect.VISITOR_COOKIE].value for c in (first, second)}
    assert len(ids) == 2  # each browser its own id, the cached page carries none
    assert len(buffered(shop_a)) == 2


def test_arrivals_through_shares_and_distributor_links(shop_a, catalog_a):
    sharer = host_client(shop_a)
    sharer.get("/")
    code = sharer.post("/api/v1/store/events", {"kind": "share", "product_id": catalog_a.tea.product_id},
                       content_type="application/json").json()["share_code"]  # fmt: skip
    friend = host_client(shop_a)
    friend.get(f"/p/{catalog_a.tea.product_id}?s={code}")
    host_client(shop_a).get("/?ref=abc123")
    sharer.get(f"/?s={code}")  # one's own link is no share arrival
    flush(shop_a)

    with tenant_context(shop_a):
        rows = list(Event.objects.order_by("at", "id").values_list("kind", "share_code", "source", "ref"))
        friend_row = Visitor.objects.get(visitor=friend.cookies[collect.VISITOR_COOKIE].value)
    assert rows == [
        ("view_shop", "", "direct", ""),
        ("share", code, "", ""),
        ("view_product", code, "share", ""),
        ("view_shop", "", "distributor", "ABC123"),
        ("view_shop", "", "direct", ""),
    ]
    assert (friend_row.first_source, friend_row.first_share_code) == ("share", code)


def test_add_to_cart_and_checkout_are_collected_with_the_member(shop_a, catalog_a, buyer_a):
    buyer_a.client.get("/")
    response = buyer_a.client.post(
        "/api/v1/store/cart/items", {"sku_id": catalog_a.tea.pk, "quantity": 1}, content_type="application/json"
    )
    assert response.status_code == 201
    assert buyer_a.client.get("/checkout").status_code == 200
    flush(shop_a)
    with tenant_context(shop_a):
        rows = list(Event.objects.order_by("at", "id").values_list("kind", "member_id", "product_id"))
        person = Visitor.objects.get()
    assert rows == [
        ("view_shop", None, None),
        ("add_to_cart", buyer_a.member.pk, catalog_a.tea.product_id),
        ("checkout", None, None),
    ]
    assert person.member_id == buyer_a.member.pk  # the cookie's browser is this member's


def test_flush_is_batched_idempotent_and_forgets_an_empty_shop(shop_a):
    with tenant_context(shop_a):
        for n in range(25):
            collect.record("view_shop", visitor=f"visitor-{n:012d}")
        raw = buffered(shop_a)
        with CaptureQueriesContext(connection) as queries:
            assert services.flush_events(batch=10) == 25
        assert len(queries) <= 3 * 4 + 1  # per batch: (savepoint) INSERT, upsert (release); + the search path
        # A crash between insert and trim replays the batch: nothing is stored twice.
        pipe = collect.get_redis_connection("default")
        pipe.rpush(collect.buffer_key(shop_a.schema_name), *[collect.json.dumps(row) for row in raw[:5]])
        services.flush_events()
        assert Event.objects.count() == 25
    assert shop_a.schema_name not in collect.buffered_shops()


def test_the_beat_task_flushes_only_shops_with_buffered_events(shop_a, shop_b, celery_eager):
    with tenant_context(shop_a):
        collect.record("view_shop", visitor="visitor-000000000001")
    assert collect.buffered_shops() == [shop_a.schema_name]
    assert tasks.flush_all.delay().get() == 1
    with tenant_context(shop_a):
        assert Event.objects.count() == 1
    assert collect.buffered_shops() == []


def test_collection_off_writes_nothing(shop_a, settings):
    settings.ANALYTICS_COLLECT = False
    response = host_client(shop_a).get("/")
    assert collect.VISITOR_COOKIE not in response.cookies
    assert buffered(shop_a) == []


def test_a_real_order_reaches_the_kpis_through_the_order_events(shop_a, catalog_a, buyer_a, settings):
    settings.DEBUG = True  # the test payment gateway
    order = place(buyer_a, (catalog_a.tea.pk, 2)).json()
    assert buyer_a.client.post(f"/api/v1/store/orders/{order['id']}/pay", {"method": "test"},
                               content_type="application/json").status_code == 200  # fmt: skip
    with tenant_context(shop_a):
        drain_due_events()
        fact = OrderFact.objects.get()
        today = timezone.localdate()
        figures = selectors.summary(today, today)
    assert (fact.order_id, fact.member_id, fact.total_amount) == (order["id"], buyer_a.member.pk, 25800)
    assert (figures["orders"], figures["paid_orders"], figures["gmv_amount"]) == (1, 1, 25800)
    assert figures["average_order_amount"] == 25800


def test_the_process_buffer_goes_to_redis_in_one_round_trip(shop_a, settings):
    """Page views wait in the process; the pusher thread is woken when ANALYTICS_LOCAL_BUFFER wait (or after
    ANALYTICS_LOCAL_SECONDS); push_pending sends everything in one pipelined round trip."""
    settings.ANALYTICS_LOCAL_BUFFER = 3
    with tenant_context(shop_a):
        collect.record("view_shop", visitor="visitor-000000000001")
        collect.record("view_shop", visitor="visitor-000000000002")
        assert buffered(shop_a) == []  # still in the process
        collect.record("view_shop", visitor="visitor-000000000003")
        assert collect._wake.is_set() or len(buffered(shop_a)) == 3  # the thread was woken (or already pushed)
        collect.record("view_shop", visitor="visitor-000000000004")
        collect.push_pending()
    rows = buffered(shop_a)
    assert sorted(row[3] for row in rows) == [f"visitor-00000000000{n}" for n in range(1, 5)]
    assert len({row[0] for row in rows}) == 4  # distinct uids
    assert collect.buffered_shops() == [shop_a.schema_name]


@pytest.mark.parametrize("secure", [False, True])
def test_the_visitor_cookie_header_is_the_standard_librarys(secure):
    """set_visitor_cookie builds its morsel without SimpleCookie's checks (hot path): same header, same fields."""
    from http.cookies import SimpleCookie

    from django.http import HttpResponse

    response = HttpResponse()
    collect.set_visitor_cookie(response, "AbC-_0123456789abcdefg", secure=secure)
    expected = SimpleCookie()
    expected[collect.VISITOR_COOKIE] = "AbC-_0123456789abcdefg"
    morsel = expected[collect.VISITOR_COOKIE]
    morsel.update({"max-age": collect.VISITOR_COOKIE_AGE, "path": "/", "samesite": "Lax", "httponly": True})
    if secure:
        morsel["secure"] = True
    assert response.cookies.output() == expected.output()
    got = response.cookies[collect.VISITOR_COOKIE]
    assert (got.key, got.value, got.coded_value, dict(got)) == (
        morsel.key,
        morsel.value,
        morsel.coded_value,
        dict(morsel),
    )
    assert collect.VISITOR_RE.match(collect.new_visitor_id())
    import pickle

    assert pickle.loads(pickle.dumps(response.cookies)).output() == expected.output()  # e.g. a cached response
