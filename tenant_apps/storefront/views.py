"""Storefront HTML pages on shop hosts, rendered by the shop's theme (see theming.py)."""

import segno
from django.http import HttpResponse
from django.templatetags.static import static
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import cache_control
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_safe

from micromall.urls_common import not_found as plain_not_found
from tenant_apps.analytics.interface import EventKind, track_page
from tenant_apps.catalog.interface import ProductFilter, category_ids_for

from . import selectors
from .api.serializers import ProductQuerySerializer
from .badges import BadgeProduct, badges_for, with_badges
from .caching import cache_anonymous_page, cached_by_catalog
from .theming import render_page

SORT_LABELS = [
    ("relevance", _("Best match")),
    ("-sales", _("Best selling")),
    ("new", _("Newest")),
    ("price", _("Price ↑")),
    ("-price", _("Price ↓")),
]


def page_context(request, **extra) -> tuple:
    theme, settings = selectors.shop_theme(request.shop)
    context = {
        "shop": request.shop,
        "theme": theme,
        "theme_settings": settings,
        "theme_static": static(f"themes/{theme.slug}/"),
        "currency": request.shop.currency,
        **extra,
    }
    return theme, context


def page_number(request) -> int:
    raw = request.GET.get("page", "1")
    return int(raw) if raw.isascii() and raw.isdigit() and len(raw) < 6 else 1


@require_safe
@track_page()
@cache_anonymous_page
def home(request):
    theme, context = page_context(request)
    context["categories"] = cached_by_catalog("categories", selectors.category_tree)
    sections = selectors.home_sections(context["theme_settings"], context["currency"])
    context["sections"] = [{**section, "products": with_badges(section["products"])} for section in sections]
    return render_page(request, theme, "home", context)


def product_list_page(request, page: str, *, category: str | None = None):
    params = request.GET.copy()
    if category is not None:
        params["category"] = category
    query = ProductQuerySerializer(data=params)
    if query.is_valid():
        spec, errors = query.to_filter(), {}
    elif category is not None and "category" in query.errors:
        return not_found(request)
    else:
        # A hand-edited URL shows the unfiltered results with a note instead of an error page.
        spec, errors = ProductFilter(q=params.get("q", "")[:100]), query.errors
    theme, context = page_context(request)
    categories = cached_by_catalog("categories", selectors.category_tree)
    current = None
    if category is not None:
        current = next(
            (node for node in walk(categories) if str(node["id"]) == category or node["slug"] == category), None
        )
    result = selectors.product_page(spec, page_number(request), context["currency"])
    result = {**result, "products": with_badges(result["products"])}
    base_params = params.copy()
    base_params.pop("page", None)
    if category is not None:
        base_params.pop("category", None)
    context.update(
        categories=categories,
        current_category=current,
        q=spec.q,
        sort=spec.sort,
        sorts=SORT_LABELS,
        result=result,
        errors=errors,
        base_query=base_params.urlencode(),
        query_without_sort=without(base_params, "sort"),
    )
    return render_page(request, theme, page, context)


def walk(nodes):
    for node in nodes:
        yield node
        yield from walk(node["children"])


def without(params, key: str) -> str:
    copy = params.copy()
    copy.pop(key, None)
    return copy.urlencode()


@require_safe
@track_page()
def search(request):
    return product_list_page(request, "search")


@require_safe
@track_page()
@cache_anonymous_page
def category(request, category: str):
    return product_list_page(request, "category", category=category)


@require_safe
@track_page()
@cache_anonymous_page
def categories(request):
    """The 分类 tab, as Youzan lays it out: top-level categories in a left rail, the chosen one's
    subcategories and products on the right (`?c=<id>`; the first category when absent or unknown)."""
    theme, context = page_context(request)
    tree = cached_by_catalog("categories", selectors.category_tree)
    chosen = request.GET.get("c", "")
    current = next((node for node in tree if str(node["id"]) == chosen), tree[0] if tree else None)
    result = None
    if current is not None:
        spec = ProductFilter(category_ids=category_ids_for(current["id"]), sort="-sales")
        result = selectors.product_page(spec, 1, context["currency"], per_page=20)
        result = {**result, "products": with_badges(result["products"])}
    context.update(categories=tree, current_category=current, result=result)
    return render_page(request, theme, "categories", context)


@require_safe
@track_page(EventKind.VIEW_PRODUCT, product_kwarg="product_id")
@cache_anonymous_page
def product(request, product_id: int):
    theme, context = page_context(request)
    detail = selectors.product_detail(product_id, context["currency"])
    if detail is None:
        return not_found(request)
    share_url = request.build_absolute_uri(reverse("storefront:product", args=[product_id]))
    badges = badges_for([BadgeProduct(detail["id"], detail.get("category_id"))], detail=True).get(detail["id"], [])
    entries = [badge for badge in badges if badge.action]  # 秒杀 / 拼团 / 砍价: partials/activity_entries.html
    badges = [badge for badge in badges if not badge.action]
    context.update(
        product=detail,
        badges=badges,
        entries=entries,
        countdown=min((badge.ends_at for badge in badges if badge.ends_at), default=None),
        share_url=share_url,
        qr_url=reverse("storefront:product-qr", args=[product_id]),
        product_data={
            "id": detail["id"],
            "title": detail["title"],
            "currency": detail["currency"],
            "image_url": detail["images"][0]["url"] if detail["images"] else None,
            "specs": detail["specs"],
            "skus": detail["skus"],
        },
    )
    return render_page(request, theme, "product", context)


@require_safe
@cache_control(public=True, max_age=3600)
def product_qr(request, product_id: int):
    """An SVG QR code of the product's share link (for posters and WeChat sharing)."""
    if not selectors.product_is_visible(product_id):
        return not_found(request)
    share_url = request.build_absolute_uri(reverse("storefront:product", args=[product_id]))
    response = HttpResponse(content_type="image/svg+xml")
    # A standalone SVG document (with xmlns), so it works in <img> and as a download.
    segno.make(share_url, error="m").save(response, kind="svg", scale=6, border=2, xmldecl=False)
    return response


@require_safe
@track_page()
@cache_anonymous_page
def cart(request):
    theme, context = page_context(request)
    return render_page(request, theme, "cart", context)


@csrf_exempt  # the catch-all route: a POST/DELETE to an unknown URL must get this 404, not CSRF's HTML 403
def not_found(request, exception=None, path: str = ""):
    """Shop-host 404 (also the catch-all route): JSON under /api/, otherwise the shop theme's 404 page."""
    shop = getattr(request, "shop", None)
    if shop is None or request.path.startswith("/api/"):
        return plain_not_found(request, exception)
    theme, context = page_context(request)
    return render_page(request, theme, "not_found", context, status=404)
