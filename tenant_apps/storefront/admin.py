"""Back-office screens of the storefront (shop hosts)."""

import json

from django import forms
from django.contrib import admin
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.html import format_html

from shared_apps.tenancy.interface import MembershipRole, ShopModelAdmin, membership_role, shop_admin_site
from themes.registry import available_themes

from .models import ThemeSettings
from .theme_settings import ThemeSettingsInvalid, save_theme_settings, theme_state

MANAGERS = {MembershipRole.OWNER, MembershipRole.ADMIN}


class ThemeSettingsForm(forms.ModelForm):
    theme = forms.ChoiceField(label="主题 Theme")
    settings = forms.CharField(
        label="设置 Settings (JSON)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 18, "cols": 90, "style": "font-family:monospace"}),
        help_text="只写要修改的项，其余使用主题默认值。Only the keys you change; the rest use the theme's defaults.",
    )

    class Meta:
        model = ThemeSettings
        fields = ["theme", "settings"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["theme"].choices = [(t.slug, f"{t.name} ({t.version})") for t in available_themes()]
        state = theme_state()
        self.initial["theme"] = state.theme.slug
        self.initial["settings"] = json.dumps(state.customised, ensure_ascii=False, indent=2)

    def clean_settings(self):
        raw = (self.cleaned_data.get("settings") or "").strip()
        if not raw:
            return {}
        try:
            return json.loads(raw)
        except json.JSONDecodeError as exc:
            raise forms.ValidationError(f"JSON 格式错误 / Invalid JSON: {exc}") from exc

    def clean(self):
        cleaned = super().clean()
        if self.errors:
            return cleaned
        try:
            # Validate and save in one go; the admin's own save is a no-op (see save_model).
            save_theme_settings(theme=cleaned["theme"], settings=cleaned["settings"])
        except ThemeSettingsInvalid as exc:
            for key, messages in exc.errors.items():
                self.add_error(None, forms.ValidationError([f"{key}: {m}" for m in messages]))
        return cleaned


def _is_manager(request) -> bool:
    shop = getattr(request, "shop", None)
    return shop is not None and membership_role(user=request.user, shop=shop) in MANAGERS


@admin.register(ThemeSettings, site=shop_admin_site)
class ThemeSettingsAdmin(ShopModelAdmin):
    """店铺装修: one screen for the shop's theme and its settings (a singleton row)."""

    form = ThemeSettingsForm
    fields = ["theme", "settings", "current_settings"]
    readonly_fields = ["current_settings"]

    # The JSON box takes only the changed keys: show every key with its value in effect, so a merchant can
    # see that the primary colour is `colors.primary` without reading the theme's manifest.
    @admin.display(description="当前生效的设置 Settings in effect")
    def current_settings(self, obj):
        effective = json.dumps(theme_state().settings, ensure_ascii=False, indent=2)
        return format_html('<pre style="margin:0;white-space:pre-wrap">{}</pre>', effective)

    def render_change_form(self, request, context, *args, **kwargs):
        context["show_save_and_add_another"] = False  # a singleton: there is no "another"
        return super().render_change_form(request, context, *args, **kwargs)

    def has_add_permission(self, request):
        return _is_manager(request)

    def has_change_permission(self, request, obj=None):
        return _is_manager(request)

    def has_delete_permission(self, request, obj=None):
        return False

    def changelist_view(self, request, extra_context=None):
        # A singleton: the list is the edit form.
        if ThemeSettings.objects.filter(pk=1).exists():
            return HttpResponseRedirect(reverse("shop_admin:storefront_themesettings_change", args=[1]))
        return HttpResponseRedirect(reverse("shop_admin:storefront_themesettings_add"))

    def save_model(self, request, obj, form, change):
        return None  # saved by the form's clean() through save_theme_settings
