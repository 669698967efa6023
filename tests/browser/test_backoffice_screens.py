"""The back office and the storefront at a phone's 390 px and a laptop's 1280 px: nothing overflows sideways
and no text is squeezed to one character per line. Screenshots go to test-artifacts/ (not committed)."""

import pytest
from django.test import Client
from django_tenants.utils import tenant_context

from tenant_apps.catalog.interface import load_catalog
from tenant_apps.catalog.models import Category, Product

from ..conftest import staff_of
from .conftest import ARTIFACTS

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SKIRT = {
    "categories": [{"key": "dress", "name": "连衣裙"}, {"key": "tops", "name": "上衣"}],
    "products": [
        {
            "title": "法式复古碎花连衣裙 夏季新款收腰显瘦中长款",
            "category": "dress",
            "specs": [
                {"name": "颜色", "values": ["米白", "雾蓝", "黑色"]},
                {"name": "尺码", "values": ["S", "M", "L"]},
            ],
            "skus": [
                {"specs": {"颜色": "米白", "尺码": "S"}, "price_amount": 12900, "stock": 8, "compare_at_amount": 19900},
                {"specs": {"颜色": "黑色", "尺码": "L"}, "price_amount": 13900, "stock": 2},
            ],
        },
        {"title": "纯棉圆领T恤", "category": "tops", "skus": [{"price_amount": 5900, "stock": 30}]},
    ],
}

# Layout checks run in the page: horizontal overflow of the document, and visible text nodes of two or more
# characters laid out with one line per character.
CHECKS = """() => {
  const overflow = document.documentElement.scrollWidth - window.innerWidth;
  const squeezed = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const node = walker.currentNode, text = node.textContent.trim();
    const parent = node.parentElement;
    if (text.length < 2 || !parent || !parent.offsetParent || parent.getBoundingClientRect().width < 2) continue;
    const range = document.createRange(); range.selectNodeContents(node);
    const tops = new Set(Array.from(range.getClientRects()).filter(r => r.width > 0).map(r => Math.round(r.top)));
    if (tops.size >= 2 && tops.size >= [...text].length) squeezed.push(text);
  }
  const wide = overflow > 1 ? Array.from(document.querySelectorAll("body *")).filter(el => {
    const r = el.getBoundingClientRect();
    return r.right > window.innerWidth + 1 && r.width > 0 && !el.closest(".overflow-x-auto, [data-scroll]");
  }).slice(0, 5).map(el => el.tagName + "." + el.className + " " + Math.round(el.getBoundingClientRect().right)) : [];
  return {overflow, squeezed, wide};
}"""


@pytest.fixture
def owner_page(shop_a, live_server, browser_page, tmp_path):
    with tenant_context(shop_a):
        load_catalog(SKIRT, tmp_path)
    client = Client(HTTP_HOST="alpha.localhost")
    client.force_login(staff_of(shop_a))
    browser_page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "domain": "alpha.localhost", "path": "/"}]
    )
    yield browser_page
    with tenant_context(shop_a):  # committed rows (transaction=True): the next width starts from scratch
        Product.objects.all().delete()
        Category.objects.all().delete()


@pytest.mark.parametrize("width", [390, 1280])
def test_screens_fit_phone_and_laptop(live_server, shop_a, owner_page, width):
    page = owner_page
    base = f"http://alpha.localhost:{live_server.thread.port}"
    with tenant_context(shop_a):
        dress = Product.objects.get(title__startswith="法式").pk
    screens = {
        "dashboard": "/admin/",
        "product-list": "/admin/catalog/product/",
        "product-edit": f"/admin/catalog/product/{dress}/change/",
        "theme-settings": "/admin/storefront/themesettings/",
        "storefront-home": "/",
        "storefront-categories": "/categories",
    }
    page.set_viewport_size({"width": width, "height": 900})
    problems = {}
    for name, path in screens.items():
        response = page.goto(base + path)
        assert response.status == 200, (name, response.status)
        page.wait_for_load_state("load")
        page.screenshot(path=str(ARTIFACTS / f"{name}-{width}.png"), full_page=True)
        result = page.evaluate(CHECKS)
        if result["overflow"] > 1 or result["squeezed"]:
            problems[name] = result
    assert problems == {}
