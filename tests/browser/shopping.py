"""Steps the browser flows share: register on the account page, and at checkout add the first address, place the
order and pay with the test gateway (then deliver order.paid, as the Celery drain would)."""

import re
from contextlib import contextmanager

from django_tenants.utils import tenant_context

from tenant_apps.events.services import drain_due_events

PASSWORD = "Lotus-Pond-2026"
ADDRESS = [("name", "张三"), ("phone", "13800138000"), ("province", "浙江"), ("city", "杭州市"),
           ("district", "西湖区"), ("line1", "文三路 1 号")]  # fmt: skip


def register(page, login: str) -> None:
    """On the account page (already open): register with `login` (email or mainland mobile)."""
    page.click("[data-tab=register]")
    form = page.locator("[data-form=register]")
    form.locator("input[name=login]").fill(login)
    form.locator("input[name=password]").fill(PASSWORD)
    form.locator("button[type=submit]").click()


def fill_new_address(page) -> None:
    """On the checkout page with no address yet: fill the open form and save; the new address is picked."""
    address = page.locator("[data-address-form]")
    address.wait_for(state="visible")
    for name, value in ADDRESS:
        address.locator(f"input[name={name}]").fill(value)
    address.locator("button[type=submit]").click()
    page.wait_for_selector(".address-list input[type=radio]:checked")


@contextmanager
def another_phone(page):
    """A second shopper's phone: a browser context of its own (nothing shared but what the test hands over)."""
    context = page.context.browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN")
    try:
        other = context.new_page()
        other.set_default_timeout(10_000)
        yield other
    finally:
        context.close()


def sign_up_through(page, button: str, login: str, then) -> None:
    """A visitor clicks `button`, is sent to sign in, registers `login` and lands on `then` (a URL glob or regex)."""
    page.click(button)
    page.wait_for_url(re.compile(r".*/account\?next=.*"))
    register(page, login)
    page.wait_for_url(then)


def add_to_cart_and_check_out(page, base: str) -> None:
    """On a product page: add the product to the cart, open the cart and go to checkout with it."""
    page.click("[data-add-to-cart]")
    page.wait_for_selector("[data-toast]:has-text('已加入购物车')")
    page.goto(base + "/cart")
    page.wait_for_selector("[data-cart-page][data-loaded]")
    page.click("[data-cart-checkout]")
    page.wait_for_url("**/checkout")


def add_address_and_pay(page, shop, total: str = "¥99.00", discount: str = "", screenshot: str = "") -> int:
    """On the checkout page: add the first address, wait for the preview's `total` (and `discount`, with the
    applied rules listed), place the order, pay with the test gateway."""
    fill_new_address(page)
    page.wait_for_selector(f"[data-total]:has-text('{total}')")
    if discount:
        page.wait_for_selector(f"[data-discount]:has-text('{discount}')")
        page.wait_for_selector(f"[data-applied]:visible:has-text('{discount}')")
    if screenshot:
        page.screenshot(path=screenshot, full_page=True)
    page.click("[data-place-order]")
    page.wait_for_url(re.compile(r".*/orders/\d+/pay$"))
    order_id = int(page.url.split("/")[-2])
    page.click("[data-pay=test]")
    page.wait_for_url(f"**/orders/{order_id}/result")
    with tenant_context(shop):
        drain_due_events()  # order.paid
    return order_id
