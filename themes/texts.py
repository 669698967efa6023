"""Words the theme manifests show to people (names, descriptions, interface texts, settings titles).

Manifests are JSON, so makemessages cannot see them: this list names every such msgid for extraction;
tests/test_i18n.py fails when a manifest gains a string that is missing here. Display code translates
the manifest value with gettext at render time (gallery cards, the theme settings form, storefront texts).
"""

from django.utils.translation import gettext_noop

MANIFEST_TEXTS = (
    gettext_noop("A clean, mobile-first general store: banner carousel, category navigation and product grids."),
    gettext_noop("A fresh-food delivery store: delivery-slot notice, category shortcuts and a quick list layout."),
    gettext_noop("A gentle mother & baby store: shop by age, safety badges and quick links to formula and diapers."),
    gettext_noop(
        "A soft, pink beauty & skincare store: hero banners, best-seller rankings and skincare/makeup sections."
    ),
    gettext_noop("Accent (prices)"),
    gettext_noop("Announcement"),
    gettext_noop("Background"),
    gettext_noop("Banner slides"),
    gettext_noop("Bloom Beauty"),
    gettext_noop("Classic"),
    gettext_noop("Colours"),
    gettext_noop("Delivery note"),
    gettext_noop("Footer"),
    gettext_noop("FreshGo"),
    gettext_noop("Home sections"),
    gettext_noop("Little Elephant"),
    gettext_noop("Logo image"),
    gettext_noop("More ›"),
    gettext_noop("Primary"),
    gettext_noop("Product cards"),
    gettext_noop("Product layout"),
    gettext_noop("Safety badge"),
    gettext_noop("Search baby care"),
    gettext_noop("Search beauty"),
    gettext_noop("Search fresh food"),
    gettext_noop("Search products"),
    gettext_noop("See all ›"),
    gettext_noop("Shop-by-age shortcuts"),
    gettext_noop("Show category navigation"),
    gettext_noop("Show the best-seller ranking"),
    gettext_noop("Text"),
)
