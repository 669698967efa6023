"""GET/PUT /api/v1/manage/theme: the shop's theme and its settings, validated against the theme's schema."""

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from shared_apps.tenancy.interface import HasShopPermission, Permission

from ..services import save_theme_settings
from ..theme_settings import ThemeState, theme_state


class ThemeSettingsSerializer(serializers.Serializer):
    theme = serializers.CharField(max_length=40)
    version = serializers.CharField(read_only=True)
    settings = serializers.JSONField(required=False, help_text="Omitted: keep what the theme still accepts.")


class ThemeStateSerializer(ThemeSettingsSerializer):
    """What GET and PUT answer (documented for the schema): the request's fields and the theme's state."""

    customised = serializers.JSONField(help_text="The settings the shop changed from the defaults.")
    saved_version = serializers.CharField(help_text="Theme version the settings were saved for.")
    schema = serializers.JSONField(help_text="The theme's settings schema.")


def _body(state: ThemeState) -> dict:
    return {
        "theme": state.theme.slug,
        "version": state.theme.version,
        "settings": state.settings,
        "customised": state.customised,
        "saved_version": state.saved_version,
        "schema": state.theme.settings_schema,
    }


class ThemeSettingsView(APIView):
    """Every role may read; owners and admins may change the theme."""

    permission_classes = [HasShopPermission]
    shop_permission = Permission.THEME_MANAGE

    @extend_schema(responses={200: ThemeStateSerializer}, tags=["manage"])
    def get(self, request):
        return Response(_body(theme_state()))

    @extend_schema(request=ThemeSettingsSerializer, responses={200: ThemeStateSerializer}, tags=["manage"])
    def put(self, request):
        if not isinstance(request.data, dict):
            raise serializers.ValidationError({"detail": ["请求体必须是对象。 / The body must be an object."]})
        serializer = ThemeSettingsSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        unknown = sorted(set(request.data) - {"theme", "version", "settings"})
        if unknown:
            raise serializers.ValidationError({key: ["未知字段。 / Unknown field."] for key in unknown})
        # ThemeSettingsInvalid is a domain Invalid: 400 with its field errors via the API's error handler.
        state = save_theme_settings(
            theme=serializer.validated_data["theme"], settings=serializer.validated_data.get("settings")
        )
        return Response(_body(state))
