"""The shopper's "我的" page in a real browser: register through the page, see the account, sign out and back in."""

from contextlib import contextmanager

import pytest
from django.db import connections

from .conftest import ARTIFACTS
from .shopping import register

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def members_of(shop) -> list[str]:
    with private_connection(shop) as cursor:
        cursor.execute("SELECT coalesce(email, phone) FROM members_member ORDER BY id")
        return [row[0] for row in cursor.fetchall()]


@contextmanager
def private_connection(shop):
    """A connection of its own on the shop's schema.

    After tests/launch/test_browser_signup.py (whose teardown ends database sessions it considers
    left behind) this thread's connection can be unusable here; the checks and the clean-up below
    must not depend on it.
    """
    wrapper = connections.create_connection("default")
    try:
        wrapper.set_schema(shop.schema_name)
        with wrapper.cursor() as cursor:
            yield cursor
    finally:
        wrapper.close()


@pytest.fixture
def no_members_left(shop_a, shop_b):
    """The live server commits the members it registers: remove them (on both shops) afterwards."""
    try:
        yield shop_a
    finally:
        for shop in (shop_a, shop_b):
            with private_connection(shop) as cursor:
                cursor.execute("DELETE FROM members_membertoken")
                cursor.execute("DELETE FROM members_member")


def test_register_on_the_account_page_then_sign_out_and_in(live_server, no_members_left, browser_page):
    page = browser_page
    base = f"http://alpha.localhost:{live_server.thread.port}"

    # the bottom bar's 我的 tab leads to the page
    page.goto(base + "/")
    page.click(".tabbar a[href='/account']")
    page.wait_for_url("**/account")
    assert page.locator("[data-signed-out]").is_visible()

    # a weak password is refused with the API's message under the form
    page.click("[data-tab=register]")
    form = page.locator("[data-form=register]")
    form.locator("input[name=login]").fill("lan@example.com")
    form.locator("input[name=password]").fill("123")
    form.locator("button[type=submit]").click()
    form.locator("[data-error]").wait_for(state="visible")
    page.screenshot(path=str(ARTIFACTS / "storefront-account-register.png"), full_page=True)
    assert not page.locator("[data-signed-in]").is_visible()
    assert members_of(no_members_left) == []

    form.locator("input[name=password]").fill("Lotus-Pond-2026")
    form.locator("button[type=submit]").click()
    page.locator("[data-signed-in]").wait_for(state="visible")
    assert page.locator("[data-member-email]").inner_text() == "lan@example.com"
    assert page.evaluate("localStorage.getItem('mm-member-token')").startswith("mms_")
    assert members_of(no_members_left) == ["lan@example.com"]
    page.screenshot(path=str(ARTIFACTS / "storefront-account.png"), full_page=True)

    # a reload keeps the member signed in (token in localStorage, GET /api/v1/store/me)
    page.reload()
    page.locator("[data-signed-in]").wait_for(state="visible")
    assert page.locator("[data-member-email]").inner_text() == "lan@example.com"

    page.click("[data-sign-out]")
    assert page.locator("[data-signed-out]").is_visible()
    assert page.evaluate("localStorage.getItem('mm-member-token')") is None

    # signing in again with a wrong, then the right password
    signin = page.locator("[data-form=signin]")
    signin.locator("input[name=login]").fill("lan@example.com")
    signin.locator("input[name=password]").fill("not-my-password")
    signin.locator("button[type=submit]").click()
    signin.locator("[data-error]").wait_for(state="visible")
    assert not page.locator("[data-signed-in]").is_visible()
    signin.locator("input[name=password]").fill("Lotus-Pond-2026")
    signin.locator("button[type=submit]").click()
    page.locator("[data-signed-in]").wait_for(state="visible")
    assert page.locator("[data-member-email]").inner_text() == "lan@example.com"


def test_a_token_of_another_shop_is_dropped(live_server, no_members_left, browser_page):
    page = browser_page
    port = live_server.thread.port
    # given a member registered on shop B's page, and their token
    page.goto(f"http://beta.localhost:{port}/account")
    register(page, "b@example.com")
    page.locator("[data-signed-in]").wait_for(state="visible")
    token_of_b = page.evaluate("localStorage.getItem('mm-member-token')")
    assert token_of_b.startswith("mms_")
    # when that token is put in shop A's page storage
    page.goto(f"http://alpha.localhost:{port}/account")
    page.evaluate(f"localStorage.setItem('mm-member-token', '{token_of_b}')")
    page.reload()
    # then shop A shows the forms and forgets the token
    page.locator("[data-signed-out]").wait_for(state="visible")
    assert page.evaluate("localStorage.getItem('mm-member-token')") is None
    assert not page.locator("[data-signed-in]").is_visible()
