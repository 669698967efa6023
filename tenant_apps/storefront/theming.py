"""Rendering storefront pages with the shop's theme.

Each theme gets its own Django template engine whose lookup order is: the theme's `templates/`, then
the default theme's (so a theme overrides only what it changes), then this app's shared templates.
`{% extends %}` and `{% include %}` resolve along the same chain. Engines are built once per process.

A child theme's template may extend its own name: `{% extends "storefront/home.html" %}` inside
`themes/<child>/templates/storefront/home.html` is the default theme's home.html, because Django's
recursive extends skips the origins already in the chain (the filesystem and cached loaders honour
`skip`). The child then overrides only the blocks it changes (themes/README.md, "Child themes").
"""

from functools import cache

from django.conf import settings
from django.http import HttpResponse
from django.template.backends.django import DjangoTemplates

from themes.registry import Theme, default_theme, get_theme

SHARED_TEMPLATES = settings.BASE_DIR / "tenant_apps" / "storefront" / "templates"


@cache
def theme_engine(slug: str) -> DjangoTemplates:
    theme = get_theme(slug) or default_theme()
    dirs = [theme.templates_dir]
    if theme.slug != default_theme().slug:
        dirs.append(default_theme().templates_dir)
    dirs.append(SHARED_TEMPLATES)
    return DjangoTemplates(
        {
            "NAME": f"theme-{theme.slug}",
            "DIRS": dirs,
            "APP_DIRS": False,
            "OPTIONS": {
                # Named explicitly because child themes rely on them: both honour `skip` (recursive extends).
                "loaders": [("django.template.loaders.cached.Loader", ["django.template.loaders.filesystem.Loader"])],
                "context_processors": ["django.template.context_processors.request"],
                "builtins": [
                    "django.templatetags.static",
                    "django.templatetags.i18n",
                    "tenant_apps.storefront.templatetags.storefront",
                ],
                "debug": False,
            },
        }
    )


def render_page(request, theme: Theme, page: str, context: dict, *, status: int = 200) -> HttpResponse:
    """Render one of the theme's pages (`home`, `product`, ... as named in its manifest `templates`)."""
    template_name = theme.templates.get(page) or default_theme().templates[page]
    html = theme_engine(theme.slug).get_template(template_name).render(context, request)
    return HttpResponse(html, status=status)
