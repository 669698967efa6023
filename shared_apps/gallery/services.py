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
