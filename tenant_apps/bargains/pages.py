"""砍价 pages on the storefront: the activity (start bargaining) and a session's share page (price, progress to
the floor, helpers, countdown, 帮砍一刀 / buy). Nothing member-specific is rendered on the server: the theme's
js/bargain.js reads the store API (with the member token kept in localStorage when there is one)."""

from django.views.decorators.http import require_safe

from tenant_apps.storefront.interface import page_context, render_page


@require_safe
def activity(request, activity_id: int):
    theme, context = page_context(request, activity_id=activity_id)
    return render_page(request, theme, "bargain", context)


@require_safe
def session(request, session_id: int):
    theme, context = page_context(request, session_id=session_id)
    return render_page(request, theme, "bargain_session", context)


@require_safe
def mine(request):
    """我的砍价: the member's bargains (the list comes from the store API with the member's token)."""
    theme, context = page_context(request)
    return render_page(request, theme, "my_bargains", context)
