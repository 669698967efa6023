"""签到 (check-in) and 积分 (points) pages on the storefront. Like "我的", the pages are the same for everyone:
the theme's js/loyalty.js reads /api/v1/store/checkin, /points and /invites with the member token."""

from django.views.decorators.http import require_safe

from tenant_apps.storefront.interface import page_context, render_page


@require_safe
def checkin(request):
    theme, context = page_context(request)
    return render_page(request, theme, "checkin", context)


@require_safe
def points(request):
    theme, context = page_context(request)
    return render_page(request, theme, "points", context)
