"""Back-office bases every marketing tool shares (its screens subclass these, from its own admin.py):

    class BargainAdmin(ActivityAdmin):          # status shown by the clock, publish/pause/resume/end/invalidate
        status_service = staticmethod(services.change_status)     # (activity_id=, action=) -> the row

`MarketingScreen` is one 营销 screen with the marketing permission; `ReadOnlyScreen` (with the back-office frame's
`ReadOnlyInline`) shows rows the tool writes itself (sessions, groups, helps) without add, change or delete."""

from django.contrib import admin
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from micromall.admin_forms import ServiceErrorsAdmin
from micromall.backoffice import ReadOnlyMixin
from shared_apps.tenancy.interface import Permission, ShopModelAdmin

from .lifecycle import ACTIONS, effective_status
from .models import ActivityStatus


class MarketingScreen(ServiceErrorsAdmin, ShopModelAdmin):
    backoffice_group = "marketing"  # 营销 in the sidebar
    manage_permission = Permission.MARKETING_MANAGE
    delete_permission = Permission.MARKETING_MANAGE


class ReadOnlyScreen(ReadOnlyMixin, MarketingScreen):
    pass


class ActivityAdmin(MarketingScreen):
    """An activity's screen: the status as the clock makes it, and the lifecycle actions through the tool's
    status service (a refusal becomes an error message per row)."""

    status_service = None  # the tool's change_status(activity_id=, action=)
    list_filter = ["status"]
    search_fields = ["title"]
    actions = [f"action_{name}" for name in ACTIONS]

    def has_delete_permission(self, request, obj=None):
        return False  # activities end or are invalidated, never deleted (orders refer to them)

    @admin.display(description=_("status"))
    def shown_status(self, row):
        return ActivityStatus(effective_status(row.status, row.starts_at, row.ends_at, timezone.now())).label

    def _run(self, request, queryset, action):
        done = 0
        for row in queryset:
            if self.call_service(request, self.status_service, activity_id=row.pk, action=action, label=row.title):
                done += 1
        if done:
            self.message_user(request, _("%(n)s activities updated.") % {"n": done})

    @admin.action(description=_("Publish"))
    def action_publish(self, request, queryset):
        self._run(request, queryset, "publish")

    @admin.action(description=_("Pause"))
    def action_pause(self, request, queryset):
        self._run(request, queryset, "pause")

    @admin.action(description=_("Resume"))
    def action_resume(self, request, queryset):
        self._run(request, queryset, "resume")

    @admin.action(description=_("End"))
    def action_end(self, request, queryset):
        self._run(request, queryset, "end")

    @admin.action(description=_("Invalidate"))
    def action_invalidate(self, request, queryset):
        self._run(request, queryset, "invalidate")
