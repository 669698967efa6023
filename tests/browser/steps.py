"""Steps a shopper takes in many browser tests, written once (phone-sized Playwright pages, classic theme)."""

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


def cart_to_checkout(page, base: str, product_id: int) -> None:
    """Add the product to the cart from its page, open the cart and go on to checkout."""
    page.goto(f"{base}/p/{product_id}")
    page.click("[data-add-to-cart]")
    page.wait_for_selector("[data-toast]:has-text('已加入购物车')")
    page.goto(base + "/cart")
    page.wait_for_selector("[data-cart-page][data-loaded]")
    page.click("[data-cart-checkout]")
    page.wait_for_url("**/checkout")
