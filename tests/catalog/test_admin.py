"""Shop back office screens for the catalog."""

import re

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django_tenants.utils import tenant_context

from shared_apps.tenancy.models import MembershipRole
from tenant_apps.catalog.models import (
    Brand,
    CatalogSettings,
    ImportJob,
    LowStockNotice,
    Product,
    ProductStatus,
    Sku,
    StockAdjustment,
)
from tests.conftest import staff_of
from tests.factories import PASSWORD

SCREENS = ["product", "category", "brand", "stockadjustment", "lowstocknotice", "importjob", "catalogsettings", "sku"]


def signed_in(shop, role=MembershipRole.OWNER) -> Client:
    user = staff_of(shop, role)
    client = Client(HTTP_HOST=f"{shop.subdomain}.localhost")
    assert client.post("/admin/login/", {"username": user.email, "password": PASSWORD}).status_code == 302
    return client


def product_form(**extra):
    return {
        "title": "茶杯",
        "subtitle": "",
        "category": "",
        "brand": "",
        "tags": "",
        "description_html": "<p>杯<script>x</script></p>",
        "skus-TOTAL_FORMS": "0",
        "skus-INITIAL_FORMS": "0",
        "images-TOTAL_FORMS": "0",
        "images-INITIAL_FORMS": "0",
        **extra,
    }


def test_every_catalog_screen_opens_for_the_owner(shop_a):
    client = signed_in(shop_a)

    for screen in SCREENS:
        assert client.get(f"/admin/catalog/{screen}/").status_code == 200, screen
    for screen in ("product", "category", "brand", "stockadjustment", "importjob"):
        assert client.get(f"/admin/catalog/{screen}/add/").status_code == 200, screen


def test_adding_a_product_with_specs_generates_the_matrix_and_publish_checks_prices(shop_a):
    client = signed_in(shop_a)

    response = client.post("/admin/catalog/product/add/", product_form(specs_text="颜色: 白, 黑\n容量：300ml，500ml"))

    assert response.status_code == 302
    with tenant_context(shop_a):
        product = Product.objects.get()
        assert product.description_html == "<p>杯</p>"
        assert list(product.skus.values_list("specs", flat=True)) == [
            {"颜色": "白", "容量": "300ml"},
            {"颜色": "白", "容量": "500ml"},
            {"颜色": "黑", "容量": "300ml"},
            {"颜色": "黑", "容量": "500ml"},
        ]

    client.post("/admin/catalog/product/", {"action": "publish", "_selected_action": [product.pk]})
    with tenant_context(shop_a):
        assert Product.objects.get().status == ProductStatus.DRAFT  # SKUs still at price 0
        Sku.objects.update(price_amount=1200)
    client.post("/admin/catalog/product/", {"action": "publish", "_selected_action": [product.pk]})
    with tenant_context(shop_a):
        assert Product.objects.get().status == ProductStatus.ACTIVE
    page = client.get(f"/admin/catalog/product/{product.pk}/change/").content.decode()
    assert "颜色: 白, 黑" in page  # the specs textarea shows the groups back


def test_stock_is_adjusted_through_the_ledger_and_never_below_zero(shop_a):
    client = signed_in(shop_a)
    with tenant_context(shop_a):
        sku = Sku.objects.create(product=Product.objects.create(title="x"), code="X", price_amount=1, stock=2)

    refused = client.post("/admin/catalog/stockadjustment/add/", {"sku": sku.pk, "delta": -3, "reason": "manual"})
    made = client.post(
        "/admin/catalog/stockadjustment/add/", {"sku": sku.pk, "delta": 5, "reason": "correction", "note": "盘点"}
    )

    assert refused.status_code == 200 and "库存不足，当前 2。" in refused.content.decode()
    assert made.status_code == 302
    with tenant_context(shop_a):
        assert Sku.objects.get().stock == 7
        assert list(StockAdjustment.objects.values_list("delta", "reason", "note")) == [(5, "correction", "盘点")]


def test_refused_stock_adjustment_is_a_message_not_a_500(shop_a):
    client = signed_in(shop_a)
    with tenant_context(shop_a):
        sku = Sku.objects.create(product=Product.objects.create(title="x"), code="X", price_amount=1, stock=2)

    # Passes the form's check but not the service's limit (the same path as a concurrent sale).
    response = client.post(
        "/admin/catalog/stockadjustment/add/", {"sku": sku.pk, "delta": 10**9, "reason": "correction"}, follow=True
    )

    assert response.status_code == 200  # the form again, with the service's refusal on it
    assert "库存不能超过 1000000000，当前 2。" in response.content.decode()
    with tenant_context(shop_a):
        assert Sku.objects.get().stock == 2
        assert StockAdjustment.objects.count() == 0


def test_import_page_starts_a_job_and_shows_its_progress(shop_a, eager_celery, django_capture_on_commit_callbacks):
    client = signed_in(shop_a)
    upload = SimpleUploadedFile("p.csv", b"handle,title,price_amount\na,Tea,100\nb,,-1\n")

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/admin/catalog/importjob/add/", {"csv_file": upload})

    assert response.status_code == 302
    with tenant_context(shop_a):
        job = ImportJob.objects.get()
        assert (job.status, job.total, job.processed) == ("failed", 2, 2)
        assert Product.objects.count() == 0
    page = client.get(f"/admin/catalog/importjob/{job.pk}/change/").content.decode()
    assert '<progress value="2" max="2">' in page
    assert "第 3 行" in page and "title" in page


def test_finance_sees_the_catalog_but_cannot_add_or_adjust(shop_a):
    client = signed_in(shop_a, MembershipRole.FINANCE)
    with tenant_context(shop_a):
        sku = Sku.objects.create(product=Product.objects.create(title="x"), code="X", price_amount=1, stock=2)
        LowStockNotice.objects.create(sku=sku, stock=2)

    assert client.get("/admin/catalog/product/").status_code == 200
    assert client.get("/admin/catalog/lowstocknotice/").status_code == 200
    assert client.get("/admin/catalog/product/add/").status_code == 403
    assert client.post("/admin/catalog/stockadjustment/add/", {"sku": sku.pk, "delta": 5}).status_code == 403
    with tenant_context(shop_a):
        assert Sku.objects.get().stock == 2


def test_shop_b_admin_does_not_list_shop_a_products(shop_a, shop_b):
    with tenant_context(shop_a):
        Product.objects.create(title="Alpha secret")
    client = signed_in(shop_b)

    page = client.get("/admin/catalog/product/").content.decode()

    assert "Alpha secret" not in page


def test_product_screens_show_and_take_prices_in_yuan(shop_a):
    client = signed_in(shop_a)
    with tenant_context(shop_a):
        product = Product.objects.create(title="茶杯", min_price_amount=2590)
        Sku.objects.create(product=product, code="CUP-1", price_amount=2590, stock=1)

    listing = client.get("/admin/catalog/product/").content.decode()
    change = client.get(f"/admin/catalog/product/{product.pk}/change/").content.decode()

    assert "最低价" in listing and "¥25.90" in listing
    assert "（分）" not in change and "Price (fen)" not in change
    price_input = re.search(r'<input[^>]*name="skus-0-price_amount"[^>]*>', change).group(0)
    # the merchant reads and types yuan: 25.90, with a decimal keyboard on phones
    assert 'value="25.90"' in price_input and 'inputmode="decimal"' in price_input


def active_product(shop) -> tuple[Product, Sku]:
    with tenant_context(shop):
        product = Product.objects.create(title="茶杯", status=ProductStatus.ACTIVE, min_price_amount=2590)
        sku = Sku.objects.create(product=product, code="CUP-1", price_amount=2590, compare_at_amount=3000, stock=1)
    return product, sku


def change_form(product: Product, sku: Sku, **sku_fields) -> dict:
    """The change form as the browser posts it (prices in yuan): unchanged specs, the one SKU row edited inline."""
    row = {"code": sku.code, "price_amount": "25.90", "compare_at_amount": "30.00", "cost_amount": "", **sku_fields}
    return {
        **product_form(title=product.title, description_html="", specs_text=""),
        "skus-TOTAL_FORMS": "1",
        "skus-INITIAL_FORMS": "1",
        "skus-0-id": str(sku.pk),
        "skus-0-product": str(product.pk),
        "skus-0-low_stock_threshold": "0",
        "skus-0-weight_grams": "0",
        "skus-0-barcode": "",
        **{f"skus-0-{name}": value for name, value in row.items()},
    }


def test_an_inline_sku_edit_goes_through_the_product_service(shop_a):
    client = signed_in(shop_a)
    product, sku = active_product(shop_a)

    response = client.post(
        f"/admin/catalog/product/{product.pk}/change/", change_form(product, sku, price_amount="19.90")
    )

    assert response.status_code == 302
    with tenant_context(shop_a):
        assert Sku.objects.get().price_amount == 1990
        assert Product.objects.get().min_price_amount == 1990  # the service keeps the lowest price


def test_the_back_office_refuses_a_zero_price_on_an_active_product(shop_a):
    client = signed_in(shop_a)
    product, sku = active_product(shop_a)

    response = client.post(
        f"/admin/catalog/product/{product.pk}/change/",
        change_form(product, sku, price_amount="0", compare_at_amount=""),
    )

    assert response.status_code == 200  # the form again, with the service's refusal
    assert "上架前每个 SKU 都要有价格。" in response.content.decode()
    with tenant_context(shop_a):
        assert Sku.objects.values_list("price_amount", "compare_at_amount").get() == (2590, 3000)
        assert Product.objects.get().min_price_amount == 2590


def test_the_back_office_refuses_a_compare_at_price_below_the_price(shop_a):
    client = signed_in(shop_a)
    product, sku = active_product(shop_a)

    response = client.post(
        f"/admin/catalog/product/{product.pk}/change/", change_form(product, sku, compare_at_amount="20.00")
    )

    assert response.status_code == 200
    assert "划线价不能低于售价。" in response.content.decode()
    with tenant_context(shop_a):
        assert Sku.objects.values_list("price_amount", "compare_at_amount").get() == (2590, 3000)


def test_the_sku_screen_refuses_a_compare_at_price_below_the_price(shop_a):
    client = signed_in(shop_a)
    _, sku = active_product(shop_a)
    fields = {"code": "CUP-1", "price_amount": "25.90", "compare_at_amount": "1.00", "cost_amount": ""}
    fields |= {"low_stock_threshold": "0", "weight_grams": "0", "barcode": ""}

    response = client.post(f"/admin/catalog/sku/{sku.pk}/change/", fields)

    assert response.status_code == 200 and "划线价不能低于售价。" in response.content.decode()
    with tenant_context(shop_a):
        assert Sku.objects.get().compare_at_amount == 3000


def test_brands_and_catalog_settings_are_saved_by_services(shop_a):
    client = signed_in(shop_a)
    with tenant_context(shop_a):
        Brand.objects.create(name="西湖")

    duplicate = client.post("/admin/catalog/brand/add/", {"name": "西湖"})
    made = client.post("/admin/catalog/brand/add/", {"name": "龙井"})
    settings = client.post("/admin/catalog/catalogsettings/add/", {"auto_unpublish_sold_out": "on"})

    assert (duplicate.status_code, made.status_code, settings.status_code) == (200, 302, 302)
    with tenant_context(shop_a):
        assert list(Brand.objects.order_by("name").values_list("name", flat=True)) == ["西湖", "龙井"]
        assert CatalogSettings.objects.values_list("auto_unpublish_sold_out", "low_stock_email").get() == (True, False)


def test_a_refused_product_keeps_the_form_with_the_error_on_the_specs_box(shop_a):
    client = signed_in(shop_a)

    response = client.post("/admin/catalog/product/add/", product_form(specs_text="颜色: 红, 红"))

    assert response.status_code == 200
    form = response.context["adminform"].form
    assert form.errors["specs_text"] == ["specs.0.values: 规格值重复。"]
    with tenant_context(shop_a):
        assert Product.objects.count() == 0
