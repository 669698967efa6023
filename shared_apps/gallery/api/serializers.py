from django.templatetags.static import static
from django.utils.translation import gettext
from rest_framework import serializers

from shared_apps.tenancy.selectors import absolute_url

from ..models import Template
from ..services import demo_subdomain


class TemplateSerializer(serializers.ModelSerializer):
    preview_url = serializers.SerializerMethodField()
    demo_url = serializers.SerializerMethodField(help_text="The template's read-only live demo shop.")

    class Meta:
        model = Template
        fields = ["slug", "name", "industry", "description", "preview_url", "version", "demo_url"]

    def to_representation(self, template: Template) -> dict:
        # Manifest names and descriptions are English msgids (themes/texts.py): shown in the caller's language.
        data = super().to_representation(template)
        data["name"], data["description"] = (
            gettext(data["name"]),
            gettext(data["description"]) if data["description"] else "",
        )
        return data

    def get_preview_url(self, template: Template) -> str:
        return self.context["request"].build_absolute_uri(static(template.preview))

    def get_demo_url(self, template: Template) -> str:
        from django.conf import settings

        return absolute_url(f"{demo_subdomain(template.slug)}.{settings.ROOT_DOMAIN}")
