"""Screens that show rows an app writes itself (ledgers, events, sessions, notices): no add, change or delete.

class SentNoticeAdmin(ReadOnlyMixin, ShopModelAdmin): ...
class LineInline(ReadOnlyInline): model = OrderLine
"""

from django.contrib import admin


class ReadOnlyMixin:
    """Put first in a ModelAdmin's bases: the screen lists and shows, nobody adds, changes or deletes."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyInline(ReadOnlyMixin, admin.TabularInline):
    """Rows shown under their parent; viewable by whoever may view the parent."""

    extra = 0
    can_delete = False

    def has_view_permission(self, request, obj=None):
        return self.admin_site._registry[self.parent_model].has_view_permission(request, obj)
