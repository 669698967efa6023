"""URL root of shop hosts (<subdomain>.ROOT_DOMAIN and custom domains): storefront, merchant API, back office."""

from django.urls import include, path, re_path

from shared_apps.tenancy.interface import shop_admin_site
from shared_apps.tenancy.views import auto_login

from .media import shop_media
from .urls_common import RememberingResolver, common_patterns, flat, not_found, server_error

urlpatterns = [
    *common_patterns("micromall.urls_shop"),
    path("admin/auto-login", auto_login, name="shop-auto-login"),
    path("admin/", shop_admin_site.urls),
    RememberingResolver(
        "api/v1/",
        flat(
            "tenant_apps.members.api.urls",
            "tenant_apps.staff.api.urls",
            "tenant_apps.catalog.api.urls",
            "tenant_apps.storefront.api.urls",
            "tenant_apps.orders.api.urls",
            "shared_apps.tenancy.api.domain_urls",
            "tenant_apps.storefront.api.theme_urls",
            "tenant_apps.pricing.api.urls",
            "tenant_apps.checkout.api.urls",
            "tenant_apps.distribution.api.urls",
            "tenant_apps.coupons.api.urls",
            "tenant_apps.loyalty.api.urls",
            "tenant_apps.promotions.api.urls",
            "tenant_apps.analytics.api.urls",
            "tenant_apps.group_buys.api.urls",
            "tenant_apps.flash_sales.api.urls",
            "tenant_apps.bargains.api.urls",
        ),
    ),
    re_path(r"^media/(?P<path>.+)$", shop_media, name="shop-media"),
    # Storefront HTML pages rendered by the shop's theme (last: it owns "/").
    *flat(
        "tenant_apps.distribution.urls",  # 分销中心 page, before the storefront's catch-all
        "tenant_apps.coupons.urls",  # 领券中心 and 我的优惠券 pages
        "tenant_apps.loyalty.urls",  # 签到 and 积分 pages
        "tenant_apps.group_buys.urls",  # 拼团 pages, likewise
        "tenant_apps.flash_sales.urls",  # 秒杀 page
        "tenant_apps.bargains.urls",  # 砍价 pages, likewise
    ),
    path("", include("tenant_apps.storefront.urls")),
]

handler404 = not_found
handler500 = server_error
