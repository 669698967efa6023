"""The gallery: templates registered from themes/ (version-aware), GET /api/v1/templates, pages, live demos."""

import json
import shutil
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders
from django.test import Client

import themes.registry
from shared_apps.accounts.services import issue_token
from shared_apps.gallery.models import Template
from shared_apps.gallery.services import ensure_demo_shops, sync_templates
from shared_apps.tenancy.models import Shop, ShopMembership
from shared_apps.tenancy.services import DemoShopReadOnly, add_member
from tests.factories import UserFactory

from .conftest import SIGNUP, signup_body


@pytest.fixture
def theme_copy(tmp_path, monkeypatch):
    """A themes folder holding a copy of `classic`, so a test can bump its manifest version."""
    shutil.copytree(themes.registry.THEMES_DIR / "classic", tmp_path / "classic")
    monkeypatch.setattr(themes.registry, "THEMES_DIR", tmp_path)
    themes.registry.reload_themes()
    yield tmp_path / "classic" / "manifest.json"
    monkeypatch.undo()
    themes.registry.reload_themes()


def bump(manifest_path, **changes) -> None:
    data = json.loads(manifest_path.read_text(encoding="utf-8"))
    data.update(changes)
    manifest_path.write_text(json.dumps(data), encoding="utf-8")


def test_sync_registers_every_theme_on_disk(db):
    Template.objects.all().delete()
    result = sync_templates()
    on_disk = sorted(theme.slug for theme in themes.registry.available_themes())
    assert sorted(result["created"]) == on_disk
    assert sorted(Template.objects.values_list("slug", flat=True)) == on_disk
    assert sync_templates()["unchanged"] == [t.slug for t in themes.registry.available_themes()]


def test_newer_manifest_version_updates_the_row_and_older_does_not(db, theme_copy):
    Template.objects.all().delete()
    sync_templates()
    bump(theme_copy, version="1.1.0", name="经典百货 Classic 2")
    assert sync_templates()["updated"] == ["classic"]
    row = Template.objects.get(slug="classic")
    assert (row.version, row.name) == ("1.1.0", "经典百货 Classic 2")
    # a manifest rolled back to an older version never downgrades the gallery
    bump(theme_copy, version="1.0.9", name="old")
    assert sync_templates()["unchanged"] == ["classic"]
    assert Template.objects.get(slug="classic").version == "1.1.0"
    # versions compare numerically: 1.10.0 is newer than 1.9.0
    bump(theme_copy, version="1.10.0")
    assert sync_templates()["updated"] == ["classic"]


def test_templates_api_lists_the_gallery(platform_client, templates):
    response = platform_client.get("/api/v1/templates")
    assert response.status_code == 200
    rows = response.json()
    assert [row["slug"] for row in rows] == list(Template.objects.values_list("slug", flat=True))
    classic = next(row for row in rows if row["slug"] == "classic")
    template = Template.objects.get(slug="classic")
    assert classic == {
        "slug": "classic",
        "name": "经典百货",  # manifest msgids shown in the caller's language (zh-Hans by default)
        "industry": template.industry,
        "description": "简洁的移动优先综合商城：轮播图、分类导航、商品橱窗。",
        "preview_url": f"http://localhost/static/{template.preview}",
        "version": template.version,
        "demo_url": "http://demo-classic.localhost:8000/",
    }


def test_every_preview_is_a_static_file_of_its_theme(templates):
    for template in Template.objects.all():
        path = finders.find(template.preview)
        assert path is not None, template.slug
        assert Path(path).stat().st_size > 0


def test_gallery_page_shows_every_template_with_its_preview(platform_client, templates):
    page = platform_client.get("/gallery")
    assert page.status_code == 200
    html = page.content.decode()
    for template in Template.objects.all():
        assert f'data-template="{template.slug}"' in html
        assert f"/static/{template.preview}" in html
        assert f"/signup?template={template.slug}" in html


def test_signup_page_creates_the_shop_and_redirects_into_its_back_office(templates, spare_pool):
    spare_pool(1)
    browser = Client(HTTP_HOST="localhost", enforce_csrf_checks=True)
    form = browser.get("/signup?template=classic")
    assert form.status_code == 200
    assert 'value="classic" checked' in form.content.decode()
    body = {**signup_body(), "csrfmiddlewaretoken": form.cookies["csrftoken"].value}
    response = browser.post("/signup", body)
    assert response.status_code == 302
    assert response["Location"].startswith("http://meimei.localhost:8000/admin/auto-login?t=")
    shop_browser = Client(HTTP_HOST="meimei.localhost")
    assert shop_browser.get(response["Location"].split(":8000", 1)[1])["Location"] == "/admin/"
    assert shop_browser.get("/admin/").status_code == 200


def test_signup_page_shows_field_errors_and_creates_nothing(platform_client, templates):
    response = platform_client.post("/signup", signup_body(subdomain="www", password="short"))
    assert response.status_code == 400
    html = response.content.decode()
    assert "这个子域名已被保留。" in html
    assert "密码太短，至少需要 8 个字符。" in html and "This password" not in html
    assert Shop.objects.count() == 0


def test_create_demo_shops_reports_in_zh_hans_unless_asked_for_english(templates, spare_pool):
    from io import StringIO

    from django.core.management import call_command

    Template.objects.exclude(slug="classic").update(is_active=False)  # one demo shop is enough here
    spare_pool(1)
    first, second = StringIO(), StringIO()

    call_command("create_demo_shops", stdout=first)
    call_command("create_demo_shops", language="en", stdout=second)

    assert first.getvalue().strip() == "已创建演示店铺：demo-classic"
    assert second.getvalue().strip() == "Demo shops created: -"


def test_demo_shops_are_read_only_and_ownerless(templates, spare_pool, platform_client):
    spare_pool(1)
    created = ensure_demo_shops()
    assert created == [f"demo-{slug}" for slug in Template.objects.values_list("slug", flat=True)]
    assert ensure_demo_shops() == []
    demo = Shop.objects.get(subdomain="demo-classic")
    assert demo.is_demo and demo.owner is None
    assert ShopMembership.objects.filter(shop=demo).count() == 0
    # nobody can be made a member
    user = UserFactory()
    with pytest.raises(DemoShopReadOnly):
        add_member(shop=demo, user=user, role="owner")
    # even a row written behind the services' back grants nothing: the merchant API and back office refuse
    ShopMembership.objects.create(shop=demo, user=user, role="owner")
    manager = Client(HTTP_HOST="demo-classic.localhost", HTTP_AUTHORIZATION=f"Bearer {issue_token(user=user)}")
    assert manager.get("/api/v1/manage/shop").status_code == 403
    manager.force_login(user)
    assert manager.get("/admin/").status_code == 302
    # and nobody can sign up for a demo subdomain
    response = platform_client.post(SIGNUP, signup_body(subdomain="demo-classic"), content_type="application/json")
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["subdomain"]


def test_migrating_the_public_schema_registers_the_templates(db):
    from django.core.management import call_command

    Template.objects.all().delete()
    call_command("migrate_schemas", shared=True, interactive=False, verbosity=0)
    assert sorted(Template.objects.values_list("slug", flat=True)) == sorted(
        t.slug for t in themes.registry.available_themes()
    )


def test_signup_page_is_throttled_like_the_api(platform_client, templates, settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {**settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], "signup": "1/min"},
    }
    assert platform_client.post("/signup", signup_body(subdomain="www")).status_code == 400
    # the API and the page share the client's signup budget
    assert platform_client.post("/signup", signup_body()).status_code == 429
    assert platform_client.post(SIGNUP, signup_body(), content_type="application/json").status_code == 429
    assert Shop.objects.count() == 0


def test_operator_screens_list_templates_and_spares(templates, spare_pool):
    from shared_apps.tenancy.models import SpareSchema

    spare_pool(1)
    operator = UserFactory(is_staff=True, is_superuser=True)
    browser = Client(HTTP_HOST="localhost")
    browser.force_login(operator)
    page = browser.get("/admin/gallery/template/").content.decode()
    assert all(slug in page for slug in Template.objects.values_list("slug", flat=True))
    spares = browser.get("/admin/tenancy/spareschema/")
    assert spares.status_code == 200
    assert SpareSchema.objects.get().schema_name in spares.content.decode()
    # shop owners (no operator flag) get nothing
    owner = UserFactory()
    other = Client(HTTP_HOST="localhost")
    other.force_login(owner)
    assert other.get("/admin/tenancy/spareschema/").status_code == 302


def test_platform_front_page_leads_to_the_gallery(platform_client):
    response = platform_client.get("/")

    assert response.status_code == 302
    assert response["Location"] == "/gallery"


def test_gallery_and_signup_pages_name_industries_in_words_not_codes(platform_client, templates):
    for url in ("/gallery", "/signup"):
        html = platform_client.get(url).content.decode()

        assert "生鲜果蔬" in html and "母婴" in html and "Fresh food" not in html
        assert ">fresh_food<" not in html and ">mother_baby<" not in html
