"""拼团 pages render in every theme, in Chinese, with existing static files; shop B's host has no such page."""

import re

import pytest
from django.contrib.staticfiles import finders

from themes import registry

from .conftest import buy


@pytest.mark.parametrize("slug", [theme.slug for theme in registry.available_themes()])
def test_group_buy_pages_render_in_every_theme(gb_shop, catalog_a, group_buy, buyer_a, client_a, slug):
    gb_shop.template = slug
    gb_shop.save(update_fields=["template"])
    order = buy(gb_shop, buyer_a, catalog_a.tea.pk, group_buy.pk)
    for path, words in [(f"/group-buys/{group_buy.pk}", "拼团"), (f"/groups/{order['group_id']}", "邀请好友参团")]:
        response = client_a.get(path)
        page = response.content.decode()
        assert response.status_code == 200 and words in page, (slug, path)
        assert "js/group_buy.js" in page
        for url in set(re.findall(r'(?:src|href)="/static/([^"]+)"', page)):
            assert finders.find(url), (slug, path, url)


def test_group_pages_are_json_free_shells_and_foreign_ids_are_not_leaked(gb_shop, shop_b, client_b, group_buy):
    # The page is a shell; shop B's API answers 404 for A's ids (tests/group_buys/test_api.py), and the page
    # itself carries no data of the group.
    page = client_b.get(f"/group-buys/{group_buy.pk}").content.decode()
    assert group_buy.title not in page
