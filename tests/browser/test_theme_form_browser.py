"""店铺装修 in a real browser: the colour picker fills the hex text, saving restyles the storefront."""

import pytest
from django.test import Client
from django_tenants.utils import tenant_context

from tenant_apps.storefront.models import ThemeSettings

from ..conftest import staff_of
from .conftest import ARTIFACTS

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def signed_in_owner(shop_a, live_server, browser_page):
    """The browser page carrying a session of shop A's owner; the theme row is removed afterwards."""
    client = Client(HTTP_HOST="alpha.localhost")
    client.force_login(staff_of(shop_a))
    browser_page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "domain": "alpha.localhost", "path": "/"}]
    )
    try:
        yield browser_page
    finally:
        with tenant_context(shop_a):
            ThemeSettings.objects.all().delete()


def test_pick_a_colour_save_and_the_storefront_uses_it(live_server, shop_a, signed_in_owner):
    page = signed_in_owner
    base = f"http://alpha.localhost:{live_server.thread.port}"
    page.set_viewport_size({"width": 1100, "height": 1400})
    page.goto(base + "/admin/storefront/themesettings/1/change/")
    page.screenshot(path=str(ARTIFACTS / "theme-form.png"), full_page=True)

    picker = page.locator('.field-colors-primary input[type="color"]')
    picker.evaluate("el => { el.value = '#3366cc'; el.dispatchEvent(new Event('input')); }")
    assert page.locator('input[name="colors.primary"]').input_value() == "#3366cc"
    page.locator('[name="_save"]').click()
    page.wait_for_load_state()

    assert "已保存" in page.content()
    with tenant_context(shop_a):
        assert ThemeSettings.objects.get().settings == {"colors": {"primary": "#3366cc"}}
    page.goto(base + "/")
    assert "--primary:#3366cc" in page.content()


def test_an_invalid_colour_is_shown_by_its_field(live_server, shop_a, signed_in_owner):
    page = signed_in_owner
    base = f"http://alpha.localhost:{live_server.thread.port}"
    page.set_viewport_size({"width": 1100, "height": 1400})
    page.goto(base + "/admin/storefront/themesettings/1/change/")
    page.fill('input[name="colors.primary"]', "#zzz")
    page.locator('[name="_save"]').click()
    page.wait_for_load_state()

    message = page.locator(".field-colors-primary .errorlist").inner_text()
    assert message.startswith("请输入以 # 开头的 6 位十六进制颜色")
    page.screenshot(path=str(ARTIFACTS / "theme-form-error.png"), full_page=False)
    with tenant_context(shop_a):
        assert not ThemeSettings.objects.exists()
