"""One name for the activity in "buy now" links (docs/checkout.md): `activity_id`, with the older `id` still read.

The links are built by templates and vanilla JS (no build step), so this reads the sources; the Chromium tests of
the flash sale and the group buy (tests/browser) follow the links end to end."""

import re
from pathlib import Path

JS = Path(__file__).resolve().parents[2] / "themes" / "classic" / "static" / "js"
TEMPLATES = Path(__file__).resolve().parents[2] / "themes"


def test_every_activity_checkout_link_names_the_activity_activity_id():
    builders = {name: (JS / name).read_text() for name in ("group_buy.js", "bargain.js")}
    for name, source in builders.items():
        params = re.findall(r"new URLSearchParams\(\{([^}]*)\}\)", source)
        assert params, name
        for found in params:
            if "activity:" in found:
                assert "activity_id:" in found and not re.search(r"\bid:", found), (name, found)
    for template in TEMPLATES.glob("*/templates/storefront/**/*.html"):
        for link in re.findall(r"/checkout\?activity=[^\"']*", template.read_text()):
            assert "activity_id=" in link and not re.search(r"[?&;]id=", link), (template, link)


def test_checkout_reads_activity_id_first_and_still_accepts_the_old_id():
    source = (JS / "orders.js").read_text()
    assert 'q.get("activity_id") || q.get("id")' in source
