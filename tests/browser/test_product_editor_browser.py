"""The product page and 店铺装修 in a real browser: bulk fill, the matrix following the specs as typed, pictures
dragged into order, the rich-text description, theme rows dragged into order and a banner picture uploaded.
Everything is then checked in the database: the page saved through the services (stock through the ledger)."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django_tenants.utils import tenant_context
from PIL import Image

import themes.registry
from tenant_apps.catalog import services
from tenant_apps.catalog.interface import load_catalog
from tenant_apps.catalog.models import Category, Product, ProductImage, Sku, StockAdjustment, StockReason
from tenant_apps.storefront.models import ThemeSettings

from ..conftest import staff_of
from .conftest import ARTIFACTS
from .test_backoffice_screens import CHECKS, SKIRT

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def png(colour: str, name: str) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (80, 80), colour).save(buffer, "PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


@pytest.fixture
def owner(shop, shop_a, live_server, browser_page, tmp_path):
    """Shop A with the 3 × 3 dress (three pictures: red, green, blue) and a browser signed in as its owner."""
    with tenant_context(shop_a):
        load_catalog(SKIRT, tmp_path)
        dress = Product.objects.get(title__startswith="法式")
        ids = [services.upload_product_image(upload=png(c, f"{c}.png")).pk for c in ("red", "green", "blue")]
        services.update_product(product=dress, changes={"images": ids})
    user = staff_of(shop_a)
    client = Client(HTTP_HOST="alpha.localhost")
    client.force_login(user)
    browser_page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "domain": "alpha.localhost", "path": "/"}]
    )
    yield browser_page, user, dress, ids
    with tenant_context(shop_a):  # committed rows (transaction=True)
        Product.objects.all().delete()
        ProductImage.objects.all().delete()
        Category.objects.all().delete()
        ThemeSettings.objects.all().delete()


def test_bulk_fill_specs_typed_and_pictures_dragged_are_saved(live_server, shop_a, owner):
    page, user, dress, ids = owner
    base = f"http://alpha.localhost:{live_server.thread.port}"
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"{base}/admin/catalog/product/{dress.pk}/change/")
    rows = page.locator("[data-sku-row]:visible")
    assert rows.count() == 9
    # spec columns in the order the groups were entered (颜色 before 尺码), not jsonb's key order
    assert page.locator("thead [data-spec-col]").all_inner_texts() == ["颜色", "尺码"]
    assert rows.first.locator("[data-spec-cell]").all_inner_texts() == ["米白", "S"]

    # a fourth colour typed into the spec groups adds three rows at once, before saving
    page.fill("textarea[data-specs]", "颜色: 米白, 雾蓝, 黑色, 酒红\n尺码: S, M, L")
    page.wait_for_function("document.querySelectorAll('[data-sku-row]:not([hidden])').length === 12")
    assert rows.last.locator("[data-spec-cell]").all_inner_texts() == ["酒红", "L"]

    # bulk fill: price and stock of every row
    page.fill('[data-bulk-field="price_amount"]', "99")
    page.fill('[data-bulk-field="stock"]', "5")
    page.click("[data-bulk-apply]")
    prices = page.locator('[data-sku-row]:visible input[name$="-price_amount"]')
    assert prices.evaluate_all("els => els.map(e => e.value)") == ["99"] * 12
    stocks = page.locator('[data-sku-row]:visible input[name$="-stock"]')
    assert stocks.evaluate_all("els => els.map(e => e.value)") == ["5"] * 12

    # the third picture dragged onto the first becomes the main picture
    cards = page.locator("[data-gallery-item]")
    cards.nth(2).drag_to(cards.nth(0), target_position={"x": 5, "y": 40})
    order = page.locator('[data-gallery-item] input[name$="-id"]').evaluate_all("els => els.map(e => +e.value)")
    assert order == [ids[2], ids[0], ids[1]]
    assert "is-main" in (cards.nth(0).get_attribute("class") or "")

    # the description in the rich-text editor
    page.locator(".ql-editor").click()
    page.keyboard.type("纯棉面料")
    page.screenshot(path=str(ARTIFACTS / "product-edit-filled-1280.png"), full_page=True)
    page.click('[name="_continue"]')
    page.wait_for_load_state()
    assert page.locator(".errornote, .errorlist").count() == 0, page.locator(".errorlist").all_inner_texts()

    with tenant_context(shop_a):
        skus = list(Sku.objects.filter(product=dress))
        assert len(skus) == 12
        assert {(sku.price_amount, sku.stock) for sku in skus} == {(9900, 5)}
        assert list(ProductImage.objects.filter(product=dress).values_list("pk", flat=True)) == [ids[2], ids[0], ids[1]]
        assert "纯棉面料" in Product.objects.get(pk=dress.pk).description_html
        # every stock change is in the ledger, with who made it
        manual = StockAdjustment.objects.filter(sku__product=dress, reason=StockReason.MANUAL)
        assert manual.count() == 9 and set(manual.values_list("actor_user_id", flat=True)) == {user.pk}
        initial = StockAdjustment.objects.filter(sku__product=dress, reason=StockReason.INITIAL, delta=5)
        assert set(initial.values_list("actor_user_id", flat=True)) == {user.pk} and initial.count() == 3


def test_the_stock_ledger_names_the_sku_and_the_user(live_server, shop_a, owner):
    page, user, dress, _ids = owner
    base = f"http://alpha.localhost:{live_server.thread.port}"
    with tenant_context(shop_a):
        sku = Sku.objects.get(product=dress, specs={"颜色": "雾蓝", "尺码": "M"})
        services.adjust_stock(sku_id=sku.pk, delta=3, reason=StockReason.CORRECTION, actor_user_id=user.pk)
    page.goto(f"{base}/admin/catalog/stockadjustment/")
    row = page.locator("#result_list tbody tr").first.inner_text()
    assert "法式复古碎花连衣裙" in row and "雾蓝 / M" in row
    assert user.email in row and f"\t{user.pk}\t" not in row
    page.goto(f"{base}/admin/catalog/stockadjustment/add/")
    page.locator(".select2-selection, .field-sku .select2").first.click()
    page.keyboard.type("连衣裙")
    page.wait_for_selector(".select2-results__option >> text=雾蓝 / M")


@pytest.mark.parametrize("width", [390, 1280])
def test_theme_rows_reorder_and_a_banner_picture_upload(live_server, shop_a, owner, width):
    page, _user, _dress, _ids = owner
    base = f"http://alpha.localhost:{live_server.thread.port}"
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(base + "/admin/storefront/themesettings/")
    slides = themes.registry.get_theme("classic").defaults()["banner_slides"]
    rows = page.locator('[data-rows="banner_slides"] [data-row]')
    assert rows.count() == 2

    # the second slide dragged above the first by its handle
    rows.nth(1).locator(".bo-rows__handle").drag_to(rows.nth(0), target_position={"x": 20, "y": 5})
    assert page.locator('input[name="banner_slides.0.title"]').input_value() == slides[1]["title"]

    # a third slide with an uploaded picture
    page.click('[data-rows="banner_slides"] [data-rows-add]')
    page.fill('input[name="banner_slides.2.title"]', "秋季上新")
    page.locator('[data-rows="banner_slides"] [data-row]').nth(2).locator("[data-image-upload]").set_input_files(
        files=[{"name": "autumn.png", "mimeType": "image/png", "buffer": png("orange", "a.png").read()}]
    )
    image_url = page.locator('input[name="banner_slides.2.image_url"]')
    page.wait_for_function("el => el.value.startsWith('/media/shops/')", arg=image_url.element_handle())
    result = page.evaluate(CHECKS)
    page.screenshot(path=str(ARTIFACTS / f"theme-rows-{width}.png"), full_page=True)
    assert result["overflow"] <= 1 and not result["squeezed"], result
    page.locator('[name="_save"]').click()
    page.wait_for_load_state()

    with tenant_context(shop_a):
        saved = ThemeSettings.objects.get().settings["banner_slides"]
    assert [slide["title"] for slide in saved] == [slides[1]["title"], slides[0]["title"], "秋季上新"]
    uploaded = saved[2]["image_url"]
    assert uploaded.startswith(f"/media/shops/{shop_a.schema_name}/theme/")
    assert Client(HTTP_HOST="alpha.localhost").get(uploaded).status_code == 200  # served on the shop's own host
