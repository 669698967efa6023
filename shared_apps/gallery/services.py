"""Writers for the gallery: registering themes from disk into the public schema."""

from django.db import transaction

from .models import Template
from .themes import available_themes, reload_themes, version_key


def sync_templates() -> dict[str, list[str]]:
    """Create rows for new themes and update rows whose manifest version is newer (never downgrade)."""
    reload_themes()
    result: dict[str, list[str]] = {"created": [], "updated": [], "unchanged": []}
    with transaction.atomic():
        for position, theme in enumerate(available_themes()):
            fields = {
                "name": theme.name,
                "industry": theme.industry,
                "description": theme.description,
                "version": str(theme.version),
                "preview": theme.preview_path,
                "settings_schema": theme.settings_schema,
                "settings_defaults": theme.defaults(),
                "position": theme.extra.get("position", position),
                "is_active": True,
            }
            row = Template.objects.select_for_update().filter(slug=theme.slug).first()
            if row is None:
                Template.objects.create(slug=theme.slug, **fields)
                result["created"].append(theme.slug)
            elif version_key(fields["version"]) > version_key(row.version):
                Template.objects.filter(pk=row.pk).update(**fields)
                result["updated"].append(theme.slug)
            else:
                result["unchanged"].append(theme.slug)
    return result


@transaction.atomic
def update_template(*, template: Template, is_active: bool, position: int) -> Template:
    """The operator's two knobs: whether the gallery offers the template, and where it appears."""
    Template.objects.filter(pk=template.pk).update(is_active=is_active, position=position)
    template.is_active, template.position = is_active, position
    return template


DEMO_PREFIX = "demo-"


def demo_subdomain(slug: str) -> str:
    return f"{DEMO_PREFIX}{slug}"


def ensure_demo_shops() -> list[str]:
    """One read-only live demo shop per active template (`demo-<slug>`), created once; returns new ones."""
    from shared_apps.tenancy.models import Shop
    from shared_apps.tenancy.services import provision_shop

    created = []
    for template in Template.objects.filter(is_active=True):
        subdomain = demo_subdomain(template.slug)
        if Shop.objects.filter(subdomain=subdomain).exists():
            continue
        with transaction.atomic():
            shop = provision_shop(
                name=f"{template.name} · Demo", subdomain=subdomain, owner=None, template=template.slug
            )
            Shop.objects.filter(pk=shop.pk).update(is_demo=True)
        created.append(subdomain)
    return created
