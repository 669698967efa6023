"""拼团 in a real browser (phone-sized Chromium): the leader starts a group from the activity page and pays (the
group opens), a friend opens the shared link in another browser, registers, joins and pays, and both see 拼团成功.
The Celery drain that delivers order.paid is run by the test right after each payment, as the worker would."""

import re

import pytest
from django_tenants.utils import tenant_context

from tenant_apps.group_buys.models import Group
from tests.orders.conftest import make_catalog

from ..group_buys.conftest import make_group_buy
from .conftest import ARTIFACTS
from .shopping import add_address_and_pay, another_phone, sign_up_through

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_leader_and_friend_form_a_group(live_server, shop, browser_page, settings):
    settings.DEBUG = True  # the test payment button
    catalog = make_catalog(shop)
    activity = make_group_buy(shop, catalog.tea)
    base = f"http://alpha.localhost:{live_server.thread.port}"
    leader = browser_page

    leader.goto(f"{base}/group-buys/{activity.pk}")
    leader.wait_for_selector("[data-gb-start]")
    assert "¥99.00" in leader.locator("[data-gb-items]").inner_text()
    sign_up_through(leader, "[data-gb-start]", "leader@example.com", re.compile(r".*/checkout\?.*activity=group_buy.*"))
    add_address_and_pay(leader, shop)
    leader.wait_for_url(re.compile(r".*/groups/\d+$"), timeout=20_000)  # the result page goes to the new group
    leader.wait_for_selector("[data-gb-state]:has-text('还差 1 人成团')")
    link = leader.locator("[data-gb-link]").input_value()
    group_id = int(link.rsplit("/", 1)[-1])
    assert link == f"{base}/groups/{group_id}"
    assert "剩余 23:59" in leader.locator("[data-gb-countdown]").inner_text()
    assert leader.locator("[data-gb-qr]").get_attribute("src") == f"/api/v1/store/groups/{group_id}/qr.svg"
    leader.screenshot(path=str(ARTIFACTS / "group-buy-forming.png"), full_page=True)

    with another_phone(leader) as friend:  # nothing shared with the leader but the link
        friend.goto(link)
        friend.wait_for_selector("[data-gb-join]:visible")
        sign_up_through(
            friend, "[data-gb-join]", "friend@example.com", re.compile(rf".*/checkout\?.*group={group_id}.*")
        )
        add_address_and_pay(friend, shop)
        friend.wait_for_url(re.compile(rf".*/groups/{group_id}$"), timeout=20_000)
        friend.wait_for_selector("[data-gb-state]:has-text('拼团成功')")
        assert friend.locator("[data-gb-seated]").is_visible()
        friend.screenshot(path=str(ARTIFACTS / "group-buy-formed-friend.png"), full_page=True)

    leader.wait_for_selector("[data-gb-state]:has-text('拼团成功')", timeout=15_000)  # the page polls while forming
    assert leader.locator("[data-gb-progress]").inner_text() == "已拼 2/2 人"
    seats = leader.locator(".gb-seat").all_inner_texts()
    assert len(seats) == 2 and seats[0].startswith("L") and "团长" in seats[0] and seats[1] == "F"  # e-mail initials
    assert not leader.locator("[data-gb-join]").is_visible()  # seated members are not offered to join
    leader.screenshot(path=str(ARTIFACTS / "group-buy-formed-leader.png"), full_page=True)
    with tenant_context(shop):
        assert Group.objects.get(pk=group_id).status == "formed"
