"""The shopper's buying pages: checkout, payment, payment result, 我的订单 (tabs), order detail, after-sales form.

Like the cart and 我的 pages, nothing member-specific is rendered on the server: the theme's js/orders.js calls the
store API with the member token kept in localStorage. The payment page offers the test button only when DEBUG,
cash on delivery always, and Stripe's Payment Element (card / WeChat Pay / Alipay) only when the platform has a
publishable key and the shop a connected account: only then does the page load https://js.stripe.com/v3.
"""

from django.conf import settings
from django.views.decorators.http import require_safe

from tenant_apps.analytics.interface import EventKind, track_page

from .theming import render_page
from .views import page_context


def _page(request, page: str, **extra):
    theme, context = page_context(request, **extra)
    return render_page(request, theme, page, context)


@require_safe
@track_page(EventKind.CHECKOUT)
def checkout(request):
    return _page(request, "checkout")


@require_safe
def pay(request, order_id: int):
    shop = request.shop
    stripe_ready = bool(settings.STRIPE_PUBLISHABLE_KEY and shop.stripe_account_id)
    return _page(
        request,
        "pay",
        order_id=order_id,
        test_pay=settings.DEBUG,
        stripe_publishable_key=settings.STRIPE_PUBLISHABLE_KEY if stripe_ready else "",
        stripe_account=shop.stripe_account_id if stripe_ready else "",
    )


@require_safe
def pay_result(request, order_id: int):
    return _page(request, "pay_result", order_id=order_id)


@require_safe
def orders(request):
    return _page(request, "orders")


@require_safe
def order(request, order_id: int):
    return _page(request, "order", order_id=order_id)


@require_safe
def aftersale(request, order_id: int):
    return _page(request, "aftersale", order_id=order_id)
