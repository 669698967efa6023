"""秒杀 page of the storefront: sessions (time slots) as tabs, each with a countdown, its items with the flash
price, the normal price struck through, a progress bar (已抢 x%) and a buy button that goes to checkout with
the activity. Rendered with the shop's theme; not cached (remaining stock moves); js/flash_sales.js runs the
countdowns against the server's clock and refreshes `remaining` from /api/v1/store/flash-sales."""

from django.core.files.storage import default_storage
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from tenant_apps.storefront.interface import page_context, render_page

from . import selectors


def _item(item) -> dict:
    return {
        "id": item.pk,
        "sku_id": item.sku_id,
        "product_id": item.product_id,
        "title": item.title,
        "specs": " / ".join(str(value) for value in (item.specs or {}).values()),
        "image_url": default_storage.url(item.image) if item.image else "",
        "price_amount": item.price_amount,
        "normal_price_amount": item.normal_price_amount,
        "remaining": item.remaining,
        "sold_percent": item.sold * 100 // item.stock if item.stock else 100,
        "per_member_limit": item.per_member_limit,
    }


@require_safe
@never_cache
def flash_sales(request):
    now = timezone.now()
    sessions = [
        {
            "id": session.sale.pk,
            "title": session.sale.title,
            "status": session.status,
            "starts_at": session.sale.starts_at,
            "ends_at": session.sale.ends_at,
            "items": [_item(item) for item in session.items],
        }
        for session in selectors.store_sessions(now=now)
    ]
    theme, context = page_context(request, sessions=sessions, server_now=now)
    return render_page(request, theme, "flash_sales", context)
