"""The back office on each shop host: platform accounts with a role on this shop sign in and see only it."""

from django import forms
from django.contrib import admin
from django.contrib.admin.forms import AdminAuthenticationForm
from django.utils.translation import gettext_lazy as _

from .permissions import request_can, request_role
from .roles import Permission


class ShopAdminAuthenticationForm(AdminAuthenticationForm):
    def confirm_login_allowed(self, user):
        if not user.is_active:
            raise forms.ValidationError(self.error_messages["inactive"], code="inactive")
        # request_role reads request.user; put the anonymous user back afterwards, or a refused sign-in
        # re-renders the form as "You are authenticated as , but are not authorized…".
        anonymous, self.request.user = self.request.user, user
        try:
            role = request_role(self.request)
        finally:
            self.request.user = anonymous
        if role is None:
            raise forms.ValidationError(_("This account is not a member of this shop."), code="not_member")


class ShopAdminSite(admin.AdminSite):
    site_header = _("Shop back office")
    site_title = _("Shop back office")
    index_title = _("Manage")
    login_form = ShopAdminAuthenticationForm

    def has_permission(self, request) -> bool:
        return bool(request.user.is_active and request_role(request))

    def each_context(self, request):
        context = super().each_context(request)
        shop = getattr(request, "shop", None)
        if shop is not None:
            context["site_header"] = f"{shop.name} · {self.site_header}"
        return context


class ShopModelAdmin(admin.ModelAdmin):
    """Permissions from the shop's role table (roles.py) instead of Django's per-model permission rows (those
    live in public). A screen declares the permission its writes need; every role may look."""

    view_permission: str = Permission.SHOP_VIEW
    manage_permission: str = Permission.BACKOFFICE_EDIT  # add and change
    delete_permission: str = Permission.BACKOFFICE_DELETE

    def has_module_permission(self, request) -> bool:
        return request_can(request, self.view_permission)

    def has_view_permission(self, request, obj=None) -> bool:
        return request_can(request, self.view_permission)

    def has_add_permission(self, request) -> bool:
        return request_can(request, self.manage_permission)

    def has_change_permission(self, request, obj=None) -> bool:
        return request_can(request, self.manage_permission)

    def has_delete_permission(self, request, obj=None) -> bool:
        return request_can(request, self.delete_permission)

    # Django's LogEntry lives in the public schema and points at public content types; shop changes are
    # audited by each app's own ledgers instead.
    def log_addition(self, request, obj, message):
        return None

    def log_change(self, request, obj, message):
        return None

    def log_deletions(self, request, queryset):
        return None


shop_admin_site = ShopAdminSite(name="shop_admin")
