"""分销中心 (distributor centre) page on the storefront. Like "我的", the page is the same for everyone: the
theme's js/distribution.js reads /api/v1/store/distribution/* with the member token kept in localStorage."""

from django.views.decorators.http import require_safe

from tenant_apps.storefront.interface import page_context, render_page


@require_safe
def centre(request):
    theme, context = page_context(request)
    return render_page(request, theme, "distribution", context)
