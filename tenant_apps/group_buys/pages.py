"""拼团 pages on the storefront: the activity (open a group or join one) and a group (progress, countdown, share).
Like the other buying pages nothing member-specific is rendered on the server: the theme's js/group_buy.js reads
the store API (with the member token kept in localStorage when there is one)."""

from django.views.decorators.http import require_safe

from tenant_apps.storefront.interface import page_context, render_page


@require_safe
def activity(request, activity_id: int):
    theme, context = page_context(request, activity_id=activity_id)
    return render_page(request, theme, "group_buy", context)


@require_safe
def group(request, group_id: int):
    theme, context = page_context(request, group_id=group_id)
    return render_page(request, theme, "group", context)
