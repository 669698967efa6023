"""A bargain past its time limit is a stored state (已结束), not only a read: the marketing beat pass runs the
bargains' clock, which stores `expired` and indexes the next time limit. Listings (the merchant's sessions, the
member's "my bargains") and the share page show it; helps are refused with a 409 that says so. Also the share
poster of a session, and "my bargains" against foreign hosts and tokens."""

from datetime import timedelta

from django.utils import timezone

from tenant_apps.bargains import services
from tenant_apps.bargains.models import BargainSession, SessionStatus
from tenant_apps.marketing.boundaries import next_boundary_of
from tenant_apps.marketing.interface import sync_statuses
from tests.conftest import host_client

from .conftest import help_, in_shop, make_bargain, order_for, session_row, start


def test_the_beat_pass_stores_expiry_and_every_listing_shows_it(bg_shop, catalog_a, buyer_a, buyer_a2, manager_a):
    activity = make_bargain(bg_shop, catalog_a.tea, hours=2)
    sid = start(buyer_a, activity.pk).json()["id"]
    expires_at = session_row(bg_shop, sid).expires_at
    assert next_boundary_of(bg_shop.schema_name) <= expires_at.timestamp()  # starting woke the clock for it

    in_shop(bg_shop, lambda: sync_statuses(now=expires_at - timedelta(seconds=1)))
    assert session_row(bg_shop, sid).status == SessionStatus.ACTIVE
    in_shop(bg_shop, lambda: sync_statuses(now=expires_at))
    assert session_row(bg_shop, sid).status == SessionStatus.EXPIRED  # stored, not only read
    in_shop(bg_shop, lambda: sync_statuses(now=expires_at))  # idempotent
    assert session_row(bg_shop, sid).status == SessionStatus.EXPIRED

    in_shop(bg_shop, lambda: BargainSession.objects.filter(pk=sid).update(expires_at=timezone.now()))
    refused = help_(buyer_a2, sid)
    assert refused.status_code == 409 and refused.json()["detail"] == "该砍价已结束。"
    assert session_row(bg_shop, sid).helps == 0
    assert order_for(buyer_a, catalog_a.tea.pk, activity.pk, sid).status_code == 409
    assert buyer_a.client.get(f"/api/v1/store/bargain-sessions/{sid}").json()["status"] == "expired"
    assert manager_a.get(f"/api/v1/manage/bargains/{activity.pk}/sessions").json()[0]["status"] == "expired"
    mine = buyer_a.client.get("/api/v1/store/bargain-sessions").json()
    assert [(row["id"], row["status"]) for row in mine] == [(sid, "expired")]


def test_the_clock_leaves_ordered_sessions_and_returns_the_next_limit(bg_shop, catalog_a, buyer_a, buyer_a2):
    activity = make_bargain(bg_shop, catalog_a.tea, helpers_needed=1, hours=1)
    bought = start(buyer_a, activity.pk).json()["id"]
    assert help_(buyer_a2, bought).status_code == 200
    assert order_for(buyer_a, catalog_a.tea.pk, activity.pk, bought).status_code == 201
    waiting = start(buyer_a2, activity.pk).json()["id"]
    limit = session_row(bg_shop, waiting).expires_at
    assert in_shop(bg_shop, lambda: services.expire_sessions(now=limit - timedelta(minutes=1))) == limit
    assert in_shop(bg_shop, lambda: services.expire_sessions(now=limit + timedelta(hours=1))) is None
    assert session_row(bg_shop, bought).status == SessionStatus.ORDERED
    assert session_row(bg_shop, waiting).status == SessionStatus.EXPIRED


def test_my_bargains_lists_only_mine_and_refuses_strangers(bg_shop, shop_b, catalog_a, bargain, buyer_a, buyer_a2,
                                                           buyer_b, client_a):  # fmt: skip
    sid = start(buyer_a, bargain.pk).json()["id"]
    start(buyer_a2, bargain.pk)
    mine = buyer_a.client.get("/api/v1/store/bargain-sessions")
    assert mine.status_code == 200
    assert [(row["id"], row["status"], row["current_price_amount"]) for row in mine.json()] == [(sid, "active", 12900)]
    assert client_a.get("/api/v1/store/bargain-sessions").status_code in (401, 403)  # anonymous
    assert host_client(bg_shop, buyer_b.token).get("/api/v1/store/bargain-sessions").status_code == 401
    assert buyer_b.client.get("/api/v1/store/bargain-sessions").json() == []  # B's host: none of A's
    page = buyer_a.client.get("/account/bargains")
    assert page.status_code == 200 and "我的砍价" in page.content.decode()


def test_the_share_poster_is_a_png_on_its_own_shop_only(bg_shop, catalog_a, bargain, buyer_a, client_a, client_b):
    sid = start(buyer_a, bargain.pk).json()["id"]
    body = client_a.get(f"/api/v1/store/bargain-sessions/{sid}").json()
    assert body["poster_url"] == f"/api/v1/store/bargain-sessions/{sid}/poster.png"
    poster = client_a.get(body["poster_url"])
    assert poster.status_code == 200 and poster["Content-Type"] == "image/png"
    assert poster.content[:8] == b"\x89PNG\r\n\x1a\n"
    assert client_b.get(body["poster_url"]).status_code == 404
    assert client_a.get("/api/v1/store/bargain-sessions/987654/poster.png").status_code == 404
