"""领券中心 (coupon centre) and 我的优惠券 pages on the storefront. Like "我的", the pages are the same for
everyone: the theme's js/coupons.js reads /api/v1/store/coupons/* with the member token kept in localStorage."""

from django.views.decorators.http import require_safe

from tenant_apps.storefront.interface import page_context, render_page


@require_safe
def centre(request):
    theme, context = page_context(request)
    return render_page(request, theme, "coupons", context)


@require_safe
def mine(request):
    theme, context = page_context(request)
    return render_page(request, theme, "my_coupons", context)
