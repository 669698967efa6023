"""GET/PUT /api/v1/manage/theme: validation against the theme's schema, upgrades and switches keep data."""

import json
import shutil

import pytest
from django.test import Client
from django_tenants.utils import tenant_context

import themes.registry
from shared_apps.accounts.services import issue_token
from tenant_apps.storefront.models import ThemeSettings
from tenant_apps.storefront.theme_settings import theme_state

from ..conftest import host_client, staff_of
from ..storefront.test_theme_form import form_data

THEME = "/api/v1/manage/theme"


@pytest.fixture
def owner(shop_a):
    return host_client(shop_a, issue_token(user=staff_of(shop_a)))


def put(client, body):
    return client.put(THEME, json.dumps(body), content_type="application/json")


def saved_rows(shop):
    with tenant_context(shop):
        return list(ThemeSettings.objects.values("theme", "version", "settings"))


def test_get_shows_the_template_theme_with_defaults(owner):
    response = owner.get(THEME)
    assert response.status_code == 200
    classic = themes.registry.get_theme("classic")
    body = response.json()
    assert (body["theme"], body["version"]) == ("classic", classic.version)
    assert body["settings"] == classic.defaults()
    assert body["customised"] == {}


def test_put_saves_customisations_and_the_storefront_shows_them(owner, shop_a):
    response = put(
        owner,
        {"theme": "classic", "settings": {"announcement": "开业大吉 Grand opening", "colors": {"primary": "#112233"}}},
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["settings"]["announcement"] == "开业大吉 Grand opening"
    # objects merge one level deep: the other colours keep their defaults
    defaults = themes.registry.get_theme("classic").defaults()
    assert body["settings"]["colors"] == {**defaults["colors"], "primary": "#112233"}
    assert saved_rows(shop_a) == [
        {
            "theme": "classic",
            "version": themes.registry.get_theme("classic").version,
            "settings": {"announcement": "开业大吉 Grand opening", "colors": {"primary": "#112233"}},
        }
    ]
    home = Client(HTTP_HOST="alpha.localhost").get("/")
    assert home.status_code == 200
    assert "开业大吉 Grand opening" in home.content.decode()


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"nope": 1}, "settings.nope"),
        ({"announcement": 42}, "settings.announcement"),
        ({"announcement": "x" * 81}, "settings.announcement"),
        ({"colors": {"primary": "red"}}, "settings.colors.primary"),
        ({"colors": {"shade": "#000000"}}, "settings.colors.shade"),
        ({"show_category_nav": "yes"}, "settings.show_category_nav"),
        ({"home_sections": [{"type": "product_grid", "source": "new", "limit": 99}]}, "settings.home_sections.0.limit"),
        ({"home_sections": [{"type": "product_grid", "source": "new", "limit": 0}]}, "settings.home_sections.0.limit"),
        ({"home_sections": [{"type": "video", "source": "new"}]}, "settings.home_sections.0.type"),
        ({"banner_slides": [{"title": "no image"}]}, "settings.banner_slides.0"),
        ({"logo_url": "javascript:alert(1)"}, "settings.logo_url"),
        ([], "settings"),
    ],
)
def test_invalid_settings_are_field_errors_and_nothing_is_saved(owner, shop_a, data, field):
    response = put(owner, {"theme": "classic", "settings": data})
    assert response.status_code == 400
    assert list(response.json()["errors"]) == [field]
    assert saved_rows(shop_a) == []


def test_unknown_theme_and_unknown_fields_are_refused(owner, shop_a):
    assert list(put(owner, {"theme": "no-such", "settings": {}}).json()["errors"]) == ["theme"]
    assert list(put(owner, {"theme": "classic", "colour": "x"}).json()["errors"]) == ["colour"]
    assert list(put(owner, {"settings": {}}).json()["errors"]) == ["theme"]
    assert owner.put(THEME, "[]", content_type="application/json").status_code == 400
    assert saved_rows(shop_a) == []


def test_staff_may_read_but_not_change(shop_a):
    staff = host_client(shop_a, issue_token(user=staff_of(shop_a, "staff")))
    assert staff.get(THEME).status_code == 200
    assert put(staff, {"theme": "classic", "settings": {"announcement": "hi"}}).status_code == 403
    assert saved_rows(shop_a) == []


def test_foreign_and_anonymous_callers_are_refused(shop_a, shop_b):
    owner_b_token = issue_token(user=staff_of(shop_b))
    assert put(host_client(shop_a, owner_b_token), {"theme": "classic", "settings": {}}).status_code == 403
    assert host_client(shop_a, owner_b_token).get(THEME).status_code == 403
    assert host_client(shop_a).get(THEME).status_code == 401
    assert saved_rows(shop_a) == []


@pytest.fixture
def classic_copy(tmp_path, monkeypatch):
    shutil.copytree(themes.registry.THEMES_DIR / "classic", tmp_path / "classic")
    monkeypatch.setattr(themes.registry, "THEMES_DIR", tmp_path)
    themes.registry.reload_themes()
    yield tmp_path / "classic" / "manifest.json"
    monkeypatch.undo()
    themes.registry.reload_themes()


def test_upgrading_the_theme_keeps_customisations_and_new_keys_get_defaults(owner, classic_copy):
    # given a merchant customised version 1 of the theme
    old_version = themes.registry.get_theme("classic").version
    put(owner, {"theme": "classic", "settings": {"announcement": "mine", "footer_text": "© me"}})
    # when the theme ships a newer version that adds one key and drops another
    data = json.loads(classic_copy.read_text(encoding="utf-8"))
    data["version"] = "9.0.0"
    data["settings_schema"]["properties"]["show_search"] = {"type": "boolean", "default": True}
    del data["settings_schema"]["properties"]["footer_text"]
    classic_copy.write_text(json.dumps(data), encoding="utf-8")
    themes.registry.reload_themes()
    # then the shop runs the new version with its customisation kept and the new key at its default
    body = owner.get(THEME).json()
    assert (body["version"], body["saved_version"]) == ("9.0.0", old_version)
    assert body["settings"]["announcement"] == "mine"
    assert body["settings"]["show_search"] is True
    assert "footer_text" not in body["settings"]
    # and saving again (settings omitted) keeps what the new version accepts, under the new version
    saved = put(owner, {"theme": "classic"}).json()
    assert saved["customised"] == {"announcement": "mine"}
    assert saved["saved_version"] == "9.0.0"


def test_back_office_screen_saves_valid_settings_and_shows_errors(shop_a):
    # The form itself (one field per setting) is tested in tests/storefront/test_theme_form.py.
    browser = Client(HTTP_HOST="alpha.localhost")
    browser.force_login(staff_of(shop_a))
    assert browser.get("/admin/storefront/themesettings/")["Location"] == "/admin/storefront/themesettings/add/"
    data = form_data(browser.get("/admin/storefront/themesettings/add/").content.decode())
    bad = browser.post("/admin/storefront/themesettings/add/", {**data, "colors.primary": "red"})
    assert bad.status_code == 200
    assert "field-colors-primary errors" in bad.content.decode()
    assert saved_rows(shop_a) == []
    good = browser.post("/admin/storefront/themesettings/add/", {**data, "announcement": "hello"})
    assert good.status_code == 302
    assert saved_rows(shop_a)[0]["settings"] == {"announcement": "hello"}
    assert browser.get("/admin/storefront/themesettings/")["Location"] == "/admin/storefront/themesettings/1/change/"


def test_back_office_screen_is_for_managers_only(shop_a):
    browser = Client(HTTP_HOST="alpha.localhost")
    browser.force_login(staff_of(shop_a, "staff"))
    response = browser.post("/admin/storefront/themesettings/add/", {"theme": "classic", "settings": "{}"})
    assert response.status_code == 403
    assert saved_rows(shop_a) == []


def test_back_office_screen_shows_every_setting_in_effect_and_offers_no_second_row(shop_a):
    browser = Client(HTTP_HOST="alpha.localhost")
    browser.force_login(staff_of(shop_a))
    data = form_data(browser.get("/admin/storefront/themesettings/add/").content.decode())
    browser.post("/admin/storefront/themesettings/add/", {**data, "announcement": "hi"})

    page = browser.get("/admin/storefront/themesettings/1/change/").content.decode()

    with tenant_context(shop_a):
        primary = theme_state().settings["colors"]["primary"]
    assert f'name="colors.primary" value="{primary}"' in page  # a theme default, shown though not customised
    assert 'name="announcement" value="hi"' in page
    assert 'name="_addanother"' not in page
