"""A merchant's first minute, in a real browser: gallery -> signup form -> lands signed in in the back office."""

import pytest

from shared_apps.tenancy.models import Shop

from ..browser.fixtures import ARTIFACTS

pytestmark = [pytest.mark.browser]


def test_pick_a_template_sign_up_and_land_in_the_back_office(
    spare_pool,
    templates,
    live_server,
    browser_page,
    settings,
):
    spare_pool(1)
    port = live_server.thread.port
    settings.SITE_PORT = str(port)  # links to the shop host carry the live server's port
    page = browser_page

    page.goto(f"http://localhost:{port}/gallery")
    assert page.locator("article.card").count() >= 4
    page.locator('article[data-template="fresh"] a.btn.primary').click()
    page.wait_for_url("**/signup?template=fresh")
    assert page.locator('input[name="template"][value="fresh"]').is_checked()

    page.fill("#email", "mei@example.com")
    page.fill("#password", "Plum-Blossom-2026")
    page.fill("#shop_name", "梅的鲜果店")
    page.fill("#subdomain", "meimei")
    page.locator('form[action="/signup"] button[type="submit"]').click()

    # the one-time link crosses to the shop's own host and signs the owner in there
    page.wait_for_url(f"http://meimei.localhost:{port}/admin/")
    assert "梅的鲜果店" in page.content()
    page.screenshot(path=str(ARTIFACTS / "launch-back-office.png"))
    shop = Shop.objects.get(subdomain="meimei")
    assert (shop.template, shop.owner.email) == ("fresh", "mei@example.com")

    # and the storefront is live with the template's demo catalog
    page.goto(f"http://meimei.localhost:{port}/")
    assert "theme-fresh" in page.content()
    assert page.locator(".fresh-list li").count() > 0
    page.screenshot(path=str(ARTIFACTS / "launch-storefront.png"), full_page=False)


def test_signup_form_shows_errors_in_the_browser(clean_schemas, templates, live_server, browser_page):
    page = browser_page
    page.goto(f"http://localhost:{live_server.thread.port}/signup")
    page.fill("#email", "mei@example.com")
    page.fill("#password", "123")
    page.fill("#shop_name", "x")
    page.fill("#subdomain", "www")
    page.locator('input[name="template"][value="beauty"]').check(force=True)
    page.locator('form[action="/signup"] button[type="submit"]').click()
    page.wait_for_load_state()
    errors = page.locator(".error").all_inner_texts()
    assert any("这个子域名已被保留" in e for e in errors)
    assert any("password" in e.lower() or "密码" in e for e in errors)
    assert Shop.objects.count() == 0
