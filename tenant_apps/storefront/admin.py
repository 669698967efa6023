"""Back-office screens of the storefront (shop hosts)."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect, JsonResponse
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from micromall.errors import Invalid
from shared_apps.tenancy.interface import Permission, ShopModelAdmin, shop_admin_site
from themes.registry import available_themes

from .models import ThemeSettings
from .services import ThemeSettingsInvalid, save_theme_settings, store_theme_image
from .theme_form import ThemeSettingsForm, customised_only
from .theme_settings import theme_state


@admin.register(ThemeSettings, site=shop_admin_site)
class ThemeSettingsAdmin(ShopModelAdmin):
    backoffice_icon = "palette"
    backoffice_order = 10
    """店铺装修: one screen for the shop's theme and its settings (a singleton row), as a form built from the
    theme's settings schema (theme_form.py). Saving goes through save_theme_settings, like the API."""

    manage_permission = Permission.THEME_MANAGE

    def has_delete_permission(self, request, obj=None):
        return False

    def get_urls(self):
        upload = self.admin_site.admin_view(require_POST(self.upload_view))
        return [path("upload-image/", upload, name="storefront_themesettings_upload"), *super().get_urls()]

    def upload_view(self, request):
        """A picture for a logo or banner slide: stored in the shop's media, its URL returned for the form to
        link to (JSON, posted by theme_settings.js with the page's CSRF token)."""
        if not self.has_change_permission(request):
            raise PermissionDenied
        try:
            url = store_theme_image(upload=request.FILES.get("image"))
        except Invalid as exc:
            return JsonResponse({"errors": exc.errors}, status=400)
        return JsonResponse({"url": url}, status=201)

    def changelist_view(self, request, extra_context=None):
        # A singleton: the list is the edit form.
        if ThemeSettings.objects.filter(pk=1).exists():
            return HttpResponseRedirect(reverse("shop_admin:storefront_themesettings_change", args=[1]))
        return HttpResponseRedirect(reverse("shop_admin:storefront_themesettings_add"))

    def add_view(self, request, form_url="", extra_context=None):
        return self.theme_view(request)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        return self.theme_view(request)

    def theme_view(self, request):
        if not self.has_view_permission(request):
            raise PermissionDenied
        can_save = self.has_change_permission(request)
        if request.method == "POST" and not can_save:
            raise PermissionDenied
        state = theme_state()
        form_kwargs = {"theme": state.theme, "themes": available_themes(), "settings": state.settings}
        form = ThemeSettingsForm(request.POST if request.method == "POST" else None, **form_kwargs)
        if request.method == "POST" and form.is_valid() and self._save(form):
            messages.success(request, gettext("Saved."))
            return HttpResponseRedirect(reverse("shop_admin:storefront_themesettings_change", args=[1]))
        if not can_save:
            for field in form.fields.values():
                field.disabled = True
        context = {
            **self.admin_site.each_context(request),
            "title": gettext("Shop decoration"),
            "subtitle": gettext(state.theme.name),
            "opts": self.opts,
            "form": form,
            "can_save": can_save,
            "upload_url": reverse("shop_admin:storefront_themesettings_upload"),
        }
        return TemplateResponse(request, "storefront/admin/theme_settings.html", context)

    def _save(self, form: ThemeSettingsForm) -> bool:
        theme = form.cleaned_data["theme"]
        # A switch posts the old theme's fields: carry over what the new theme accepts (settings=None).
        settings = None if form.is_switch else customised_only(form.theme_in_use, form.settings_value())
        try:
            save_theme_settings(theme=theme, settings=settings)
        except ThemeSettingsInvalid as exc:
            form.add_schema_errors(exc.errors)
            return False
        return True
