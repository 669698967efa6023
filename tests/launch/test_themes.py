"""The launch templates: complete manifests and demo catalogs, and a shop launched from each one."""

import json

import pytest
from django.test import Client
from django_tenants.utils import tenant_context

import themes.registry
from shared_apps.gallery.themes import demo_catalog
from shared_apps.tenancy.models import Shop
from tenant_apps.catalog.models import Category, Product, ProductImage, Sku

from .conftest import SIGNUP, signup_body

LAUNCH_THEMES = ["beauty", "fresh", "baby"]
WITH_DEMO = [*LAUNCH_THEMES, "classic"]  # classic's demo catalog ships with launch (themes/classic/demo)


def test_the_gallery_has_at_least_four_templates_for_typical_industries(platform_client, templates):
    rows = platform_client.get("/api/v1/templates").json()
    assert len(rows) >= 4
    assert {"beauty", "fresh_food", "mother_baby"} <= {row["industry"] for row in rows}


@pytest.mark.parametrize("slug", WITH_DEMO)
def test_demo_catalog_is_complete(slug):
    theme = themes.registry.get_theme(slug)
    data, media_dir = demo_catalog(slug, theme.version)
    assert len(data["products"]) >= 12
    assert len(data["categories"]) >= 3
    category_keys = {c["key"] for c in data["categories"]}
    for product in data["products"]:
        assert product["category"] in category_keys
        assert product["specs"] and product["skus"]
        assert all(isinstance(s["price_amount"], int) and s["price_amount"] > 0 for s in product["skus"])
        for image in product["images"]:
            path = media_dir / image["file"]
            assert path.is_file() and 0 < path.stat().st_size < 60_000
    # the home sections' categories exist in the demo catalog
    slugs = {c["slug"] for c in data["categories"]}
    for section in theme.defaults()["home_sections"]:
        if section["source"] == "category":
            assert section["category"] in slugs
    assert (theme.path / theme.preview).is_file()


@pytest.mark.parametrize("slug", WITH_DEMO)
def test_a_shop_launched_from_the_template_shows_its_demo_catalog(slug, platform_client, templates, spare_pool):
    spare_pool(1)
    response = platform_client.post(SIGNUP, signup_body(template=slug), content_type="application/json")
    assert response.status_code == 201, response.content
    shop = Shop.objects.get()
    data, _ = demo_catalog(slug, themes.registry.get_theme(slug).version)
    with tenant_context(shop):
        assert Product.objects.count() == len(data["products"])
        assert Category.objects.count() == len(data["categories"])
        combos = sum(len(list(_combinations(p["specs"]))) for p in data["products"])
        assert Sku.objects.count() == combos
        assert ProductImage.objects.count() == sum(len(p["images"]) for p in data["products"])
        first = Product.objects.with_sales().order_by("-sales_count", "-id").first()
    shopper = Client(HTTP_HOST="meimei.localhost")
    home = shopper.get("/")
    assert home.status_code == 200
    html = home.content.decode()
    if slug in LAUNCH_THEMES:
        assert f"theme-{slug}" in html
    assert first.title in html
    assert shopper.get(f"/p/{first.pk}").status_code == 200
    assert shopper.get("/search?q=" + first.title[:2]).status_code == 200


def _combinations(specs):
    combos = [{}]
    for spec in specs:
        combos = [{**c, spec["name"]: v} for c in combos for v in spec["values"]]
    return combos


def test_switching_theme_keeps_all_shop_data(platform_client, templates, spare_pool):
    from tenant_apps.storefront.models import ThemeSettings

    spare_pool(1)
    body = platform_client.post(SIGNUP, signup_body(template="beauty"), content_type="application/json").json()
    shop = Shop.objects.get()
    with tenant_context(shop):
        before = (Product.objects.count(), Sku.objects.count(), Category.objects.count())
    owner = Client(HTTP_HOST="meimei.localhost", HTTP_AUTHORIZATION=f"Bearer {body['token']}")
    # customise beauty, then switch to fresh carrying over what fresh accepts
    owner.put(
        "/api/v1/manage/theme",
        json.dumps({"theme": "beauty", "settings": {"announcement": "hello", "card_style": "square"}}),
        content_type="application/json",
    )
    switched = owner.put("/api/v1/manage/theme", json.dumps({"theme": "fresh"}), content_type="application/json")
    assert switched.status_code == 200
    assert switched.json()["theme"] == "fresh"
    assert switched.json()["customised"] == {"announcement": "hello"}  # card_style is beauty's own key
    with tenant_context(shop):
        assert (Product.objects.count(), Sku.objects.count(), Category.objects.count()) == before
        assert ThemeSettings.objects.get().theme == "fresh"
    home = Client(HTTP_HOST="meimei.localhost").get("/").content.decode()
    assert "theme-fresh" in home and "hello" in home
