"""砍价 pages render in every theme, in Chinese, with existing static files; shop B's host has no such page data."""

import re

import pytest
from django.contrib.staticfiles import finders

from themes import registry

from .conftest import start


@pytest.mark.parametrize("slug", [theme.slug for theme in registry.available_themes()])
def test_bargain_pages_render_in_every_theme(bg_shop, catalog_a, bargain, buyer_a, client_a, slug):
    bg_shop.template = slug
    bg_shop.save(update_fields=["template"])
    sid = start(buyer_a, bargain.pk).json()["id"]
    for path, words in [(f"/bargains/{bargain.pk}", "发起砍价"), (f"/bargain-sessions/{sid}", "帮砍一刀")]:
        response = client_a.get(path)
        page = response.content.decode()
        assert response.status_code == 200 and words in page, (slug, path)
        assert "js/bargain.js" in page
        for url in set(re.findall(r'(?:src|href)="/static/([^"]+)"', page)):
            assert finders.find(url), (slug, path, url)


def test_pages_are_data_free_shells(bg_shop, client_b, bargain):
    page = client_b.get(f"/bargains/{bargain.pk}").content.decode()
    assert bargain.title not in page
