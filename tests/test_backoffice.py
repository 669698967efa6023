"""The back-office frame: grouped navigation, the merchant dashboard and its cards (docs/backoffice.md)."""

import re

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import translation
from django_tenants.utils import tenant_context

from micromall.backoffice import add_link, register
from micromall.money import YuanField, YuanInput, format_money
from shared_apps.tenancy.interface import ShopModelAdmin, shop_admin_site
from tenant_apps.catalog.interface import load_catalog

from .conftest import staff_of
from .factories import PASSWORD

pytestmark = pytest.mark.django_db

CATALOG = {
    "products": [
        {
            "title": "纯棉T恤",
            "specs": [{"name": "尺码", "values": ["S", "M", "L"]}],
            "skus": [
                {"specs": {"尺码": "S"}, "price_amount": 9900, "stock": 2, "low_stock_threshold": 3},
                {"specs": {"尺码": "M"}, "price_amount": 9900, "stock": 10, "low_stock_threshold": 3},
                {"specs": {"尺码": "L"}, "price_amount": 9900, "stock": 0, "low_stock_threshold": 3},
            ],
        },
        {"title": "草稿帽子", "status": "draft", "skus": [{"price_amount": 500, "stock": 0}]},
    ]
}


def signed_in(shop, role="owner") -> Client:
    user = staff_of(shop, role)
    client = Client(HTTP_HOST=f"{shop.subdomain}.localhost")
    assert client.post("/admin/login/?next=/admin/", {"username": user.email, "password": PASSWORD}).status_code == 302
    return client


def card(body: str, key: str) -> str:
    match = re.search(rf'data-card="{key}">(.*?)</(?:a|div)>', body, re.S)
    assert match, f"no card {key}"
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", match.group(1))).strip()


def test_dashboard_shows_the_shops_own_figures(shop_a, shop_b, tmp_path):
    # given shop A with one product on sale (one SKU low, one sold out) and a draft; shop B with nothing
    with tenant_context(shop_a):
        load_catalog(CATALOG, tmp_path)

    # when the owner opens the back office home
    body_a = signed_in(shop_a).get("/admin/").content.decode()
    body_b = signed_in(shop_b).get("/admin/").content.decode()

    # then the figures are shop A's, in Chinese, and shop B's home shows its own zeros
    assert card(body_a, "low_stock") == "库存预警 SKU 1 已售罄：1"
    assert card(body_a, "products_on_sale") == "在售商品 1"
    assert card(body_b, "low_stock") == "库存预警 SKU 0 已售罄：0"
    assert card(body_b, "products_on_sale") == "在售商品 0"


def test_sidebar_groups_follow_youzan_order(shop_a):
    body = signed_in(shop_a).get("/admin/").content.decode()

    headings = [h for h in ("商品", "订单", "客户", "营销", "分销", "数据", "店铺", "设置") if f"{h}\n" in body]
    positions = [body.index(f"{h}\n") for h in headings]
    assert positions == sorted(positions)
    assert {"商品", "客户", "店铺"} <= set(headings)
    assert "/admin/catalog/product/" in body and "/admin/members/member/" in body


def test_english_back_office_by_language_switch(shop_a):
    client = signed_in(shop_a)

    client.post("/i18n/setlang/", {"language": "en", "next": "/admin/"})
    body = client.get("/admin/").content.decode()

    assert "Low-stock SKUs" in body and "Products on sale" in body
    assert "库存预警 SKU" not in body and "在售商品" not in body


def test_a_screen_registered_in_an_unknown_group_fails_loudly():
    with pytest.raises(ValueError, match="unknown back-office group 'stock'"):
        register(object, site=shop_admin_site, group="stock")(type("X", (ShopModelAdmin,), {}))
    with pytest.raises(ValueError, match="unknown back-office group"):
        add_link(site=shop_admin_site, group="nope", title="x", url="/x")


@pytest.mark.parametrize(
    ("typed", "fen"), [("129", 12900), ("129.00", 12900), ("129.5", 12950), ("¥1,290.01", 129001), ("0.01", 1)]
)
def test_yuan_field_stores_what_the_merchant_typed_in_fen(typed, fen):
    assert YuanField().clean(typed) == fen


@pytest.mark.parametrize("typed", ["12.345", "abc", "-1", "1e3x", "NaN", "99999999999"])
def test_yuan_field_refuses_what_is_not_an_amount_with_a_message(typed):
    with translation.override("zh-hans"):
        with pytest.raises(ValidationError) as error:
            YuanField().clean(typed)
        assert error.value.messages[0].startswith(("请输入以元为单位", "金额不能为负数", "金额太大"))


def test_one_formatter_for_every_screen():
    assert format_money(12900) == "¥129.00"
    assert format_money(123456789) == "¥1,234,567.89"
    assert format_money(-50) == "-¥0.50"
    assert format_money(None) == ""
    assert YuanInput().format_value(12900) == "129.00"


def test_dashboard_chart_registry_hides_replaces_and_loads_each_script_once():
    """dashboard_chart: a chart may hide itself (None), a key registered again replaces the first, and the scripts
    of the shown charts come once each, in order; the frame itself knows no charting library."""
    from django.test import RequestFactory

    from micromall.backoffice import Chart, GroupedAdminSite, dashboard_chart

    site = GroupedAdminSite("charts_test")
    dashboard_chart(site=site, key="a", title="A", order=20)(
        lambda request: Chart(data={"n": 1}, renderer="lib", scripts=("lib.js", "a.js"))
    )
    dashboard_chart(site=site, key="hidden", title="H", order=5)(lambda request: None)
    dashboard_chart(site=site, key="b", title="B0", order=30)(lambda request: Chart(data=[], renderer="lib"))
    dashboard_chart(site=site, key="b", title="B", order=10)(
        lambda request: Chart(data=[2], renderer="lib", scripts=("lib.js", "b.js"), link="/b")
    )
    charts, scripts = site.dashboard_charts_for(RequestFactory().get("/"))
    assert [(c["key"], c["title"], c["data"], c["data_id"], c["label"]) for c in charts] == [
        ("b", "B", [2], "bo-chart-data-b", "B"),
        ("a", "A", {"n": 1}, "bo-chart-data-a", "A"),
    ]
    assert scripts == ["lib.js", "b.js", "a.js"]
