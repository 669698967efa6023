"""Reads of the gallery."""

from .models import Template


def active_templates() -> list[Template]:
    return list(Template.objects.filter(is_active=True))


def template_by_slug(slug: str) -> Template | None:
    return Template.objects.filter(slug=slug, is_active=True).first()
