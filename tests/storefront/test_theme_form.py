"""店铺装修 back-office form: generated from the theme's settings schema, saved through save_theme_settings."""

import html
import json
import re
import shutil

import pytest
from django.test import Client
from django_tenants.utils import tenant_context

import themes.registry
from tenant_apps.storefront.models import ThemeSettings
from tenant_apps.storefront.theme_form import leaves

from ..conftest import staff_of
from .conftest import make_product

SCREEN = "/admin/storefront/themesettings/1/change/"


def browser_for(shop, role="owner"):
    browser = Client(HTTP_HOST="alpha.localhost")
    browser.force_login(staff_of(shop, role))
    return browser


def saved_rows(shop):
    with tenant_context(shop):
        return list(ThemeSettings.objects.values("theme", "settings"))


def form_data(page: str) -> dict:
    """What a browser would post back from the rendered form, unchanged (a <template>'s inputs are not posted)."""
    data = {}
    page = re.sub(r"<template.*?</template>", "", page, flags=re.S)
    for tag in re.findall(r"<input[^>]*>", page):
        name = re.search(r'name="([^"]+)"', tag)
        if not name or name.group(1) in ("csrfmiddlewaretoken", "_save"):
            continue
        if 'type="checkbox"' in tag:
            if "checked" in tag:
                data[name.group(1)] = "on"
            continue
        value = re.search(r'value="([^"]*)"', tag)
        data[name.group(1)] = html.unescape(value.group(1)) if value else ""
    for name, body in re.findall(r'<textarea name="([^"]+)"[^>]*>(.*?)</textarea>', page, re.S):
        data[name] = body.strip().replace("&quot;", '"').replace("&amp;", "&").replace("&lt;", "<").replace("&gt;", ">")
    for name, body in re.findall(r'<select name="([^"]+)"[^>]*>(.*?)</select>', page, re.S):
        data[name] = re.search(r'<option value="([^"]*)"[^>]*selected', body).group(1).replace("&quot;", '"')
    return data


def error_of(page: str, field: str) -> str:
    """The error list rendered in the form row of `field`."""
    row = re.search(rf'<div class="form-row field-{field}[^"]*">\s*(<ul class="errorlist".*?</ul>)', page, re.S)
    return row.group(1) if row else ""


def test_screen_renders_a_colour_input_prefilled_with_the_current_value(shop_a):
    browser = browser_for(shop_a)
    page = browser.get(SCREEN).content.decode()
    primary = themes.registry.get_theme("classic").defaults()["colors"]["primary"]
    assert f'<input type="color" value="{primary}"' in page
    assert re.search(rf'<input type="text" name="colors.primary" value="{primary}"', page)
    assert "主色" in page and "Primary" not in page
    assert re.search(r'<input type="number" name="home_sections|<textarea name="home_sections"', page)
    assert '<input type="checkbox" name="show_category_nav"' in page
    assert 'name="announcement"' in page and "包邮" not in page  # no promise the merchant never made
    assert 'maxlength="80"' in page


def test_every_leaf_of_every_theme_gets_one_field(shop_a):
    browser = browser_for(shop_a)
    for theme in themes.registry.available_themes():
        with tenant_context(shop_a):
            ThemeSettings.objects.update_or_create(pk=1, defaults={"theme": theme.slug, "version": theme.version})
        page = browser.get(SCREEN).content.decode()
        for leaf in leaves(theme):
            if leaf.kind == "rows":  # a list: a row per item with a field per property, and a blank row to copy
                assert f'data-rows="{leaf.path}"' in page, (theme.slug, leaf.path)
                for item in leaf.items:
                    assert f'name="{leaf.path}.0.{item.path}"' in page, (theme.slug, leaf.path, item.path)
                    assert f'name="{leaf.path}.__index__.{item.path}"' in page, (theme.slug, leaf.path, item.path)
            else:
                assert f'name="{leaf.path}"' in page, (theme.slug, leaf.path)
    beauty = {leaf.path: leaf.kind for leaf in leaves(themes.registry.get_theme("beauty"))}
    assert beauty["card_style"] == "enum"
    assert beauty["show_ranking"] == "boolean"
    assert beauty["colors.accent"] == "color"
    assert beauty["logo_url"] == "image"
    assert beauty["banner_slides"] == "rows"
    slides = next(leaf for leaf in leaves(themes.registry.get_theme("beauty")) if leaf.path == "banner_slides")
    slide = {item.path: item.kind for item in slides.items}
    assert slide == {"image_url": "image", "title": "text", "subtitle": "text", "link": "text"}


def test_saving_a_new_colour_stores_it_and_the_storefront_shows_it(shop_a):
    browser = browser_for(shop_a)
    data = form_data(browser.get(SCREEN).content.decode())
    data["colors.primary"] = "#123abc"
    data["announcement"] = "开业大吉 Grand opening"

    response = browser.post(SCREEN, data)

    assert response.status_code == 302, error_of(response.content.decode(), "colors-primary")
    # only what differs from the theme's defaults is stored, as the API does
    assert saved_rows(shop_a) == [
        {"theme": "classic", "settings": {"colors": {"primary": "#123abc"}, "announcement": "开业大吉 Grand opening"}}
    ]
    home = Client(HTTP_HOST="alpha.localhost").get("/").content.decode()
    assert "--primary:#123abc" in home
    assert "开业大吉 Grand opening" in home


def test_unchecking_a_box_and_editing_list_rows_are_saved(shop_a):
    browser = browser_for(shop_a)
    data = form_data(browser.get(SCREEN).content.decode())
    del data["show_category_nav"]
    # the second home section removed, the first edited
    data = {key: value for key, value in data.items() if not key.startswith("home_sections.1.")}
    data |= {"home_sections.0.title": "精选", "home_sections.0.source": '"sales"', "home_sections.0.limit": "4"}

    assert browser.post(SCREEN, data).status_code == 302

    assert saved_rows(shop_a)[0]["settings"] == {
        "show_category_nav": False,
        "home_sections": [{"type": "product_grid", "title": "精选", "source": "sales", "limit": 4}],
    }


def test_rows_are_saved_in_the_order_posted_and_blank_rows_are_dropped(shop_a):
    browser = browser_for(shop_a)
    data = form_data(browser.get(SCREEN).content.decode())
    slides = themes.registry.get_theme("classic").defaults()["banner_slides"]
    # the browser renumbers rows in page order: the two slides swapped, a third row added but left blank
    for index, slide in enumerate(reversed(slides)):
        data |= {f"banner_slides.{index}.{key}": value for key, value in slide.items()}
    data |= {f"banner_slides.2.{key}": "" for key in ("image_url", "title", "subtitle", "link")}

    assert browser.post(SCREEN, data).status_code == 302

    assert saved_rows(shop_a)[0]["settings"] == {"banner_slides": list(reversed(slides))}


def test_a_row_without_its_required_picture_is_an_error_by_that_field(shop_a):
    browser = browser_for(shop_a)
    data = form_data(browser.get(SCREEN).content.decode())
    data |= {"banner_slides.2.image_url": "", "banner_slides.2.title": "秋季上新"}

    response = browser.post(SCREEN, data)

    assert response.status_code == 200
    assert error_of(response.content.decode(), "banner_slides-2-image_url")
    assert saved_rows(shop_a) == []


@pytest.mark.parametrize(
    ("field", "value", "row"),
    [
        ("colors.primary", "#zzz", "colors-primary"),
        ("announcement", "x" * 81, "announcement"),
        ("home_sections.0.limit", "99", "home_sections-0-limit"),
        ("banner_slides.1.link", "javascript:alert(1)", "banner_slides-1-link"),
        ("logo_url", "javascript:alert(1)", "logo_url"),
    ],
)
def test_an_invalid_value_reshows_the_form_with_the_error_by_its_field_and_saves_nothing(shop_a, field, value, row):
    browser = browser_for(shop_a)
    data = form_data(browser.get(SCREEN).content.decode())
    data[field] = value

    response = browser.post(SCREEN, data)

    assert response.status_code == 200
    page = response.content.decode()
    assert error_of(page, row), f"no error by {field}"
    other_rows = re.findall(r'<div class="form-row field-([\w-]+) errors">', page)
    assert other_rows == [row]
    assert value.replace('"', "&quot;") in page  # the merchant's input is kept for correction
    assert saved_rows(shop_a) == []


@pytest.fixture
def classic_with_a_number(tmp_path, monkeypatch):
    """The classic theme plus an integer setting (no registered theme has a numeric leaf yet)."""
    shutil.copytree(themes.registry.THEMES_DIR / "classic", tmp_path / "classic")
    manifest = tmp_path / "classic" / "manifest.json"
    data = json.loads(manifest.read_text(encoding="utf-8"))
    data["version"] = "9.1.0"
    data["settings_schema"]["properties"]["columns"] = {
        "title": "列数 / Columns",
        "type": "integer",
        "minimum": 1,
        "maximum": 6,
        "default": 2,
    }
    manifest.write_text(json.dumps(data), encoding="utf-8")
    monkeypatch.setattr(themes.registry, "THEMES_DIR", tmp_path)
    themes.registry.reload_themes()
    yield
    monkeypatch.undo()
    themes.registry.reload_themes()


def test_out_of_range_number_is_an_error_by_that_field(shop_a, classic_with_a_number):
    browser = browser_for(shop_a)
    page = browser.get(SCREEN).content.decode()
    assert '<input type="number" name="columns" value="2" min="1" max="6"' in page
    data = form_data(page)
    data["columns"] = "9"

    response = browser.post(SCREEN, data)

    assert response.status_code == 200
    assert error_of(response.content.decode(), "columns")
    assert saved_rows(shop_a) == []


def test_a_finance_user_can_view_but_not_save(shop_a):
    browser = browser_for(shop_a, "finance")
    page = browser.get(SCREEN)
    assert page.status_code == 200
    body = page.content.decode()
    assert 'name="colors.primary"' in body and "disabled" in body
    assert 'name="_save"' not in body
    data = form_data(body)
    data["colors.primary"] = "#000001"

    assert browser.post(SCREEN, data).status_code == 403
    assert saved_rows(shop_a) == []


def test_a_foreign_shop_owner_is_refused(shop_a, shop_b):
    browser = Client(HTTP_HOST="alpha.localhost")
    browser.force_login(staff_of(shop_b))
    response = browser.post(SCREEN, {"theme": "beauty"})
    assert response.status_code in (302, 403)
    assert saved_rows(shop_a) == []


def test_switching_theme_keeps_products_and_the_customisations_it_accepts(shop_a):
    with tenant_context(shop_a):
        make_product("保湿面霜")
    browser = browser_for(shop_a)
    data = form_data(browser.get(SCREEN).content.decode())
    data["announcement"] = "欢迎 Welcome"
    assert browser.post(SCREEN, data).status_code == 302
    data = form_data(browser.get(SCREEN).content.decode())
    data["theme"] = "beauty"
    data["colors.primary"] = "#zzz"  # the old theme's fields are not applied on a switch

    response = browser.post(SCREEN, data)

    assert response.status_code == 302
    assert saved_rows(shop_a) == [{"theme": "beauty", "settings": {"announcement": "欢迎 Welcome"}}]
    page = browser.get(SCREEN).content.decode()
    assert 'name="card_style"' in page  # now the beauty theme's settings
    home = Client(HTTP_HOST="alpha.localhost").get("/").content.decode()
    assert "保湿面霜" in home
    assert "欢迎 Welcome" in home
