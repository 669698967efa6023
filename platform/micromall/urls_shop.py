"""URL root of shop hosts (<subdomain>.ROOT_DOMAIN and custom domains): storefront, merchant API, back office."""

from django.urls import include, path, re_path

from shared_apps.tenancy.interface import shop_admin_site
from shared_apps.tenancy.views import auto_login

from .media import shop_media
from .urls_common import common_patterns, not_found, server_error

urlpatterns = [
    *common_patterns("micromall.urls_shop"),
    path("admin/auto-login", auto_login, name="shop-auto-login"),
    path("admin/", shop_admin_site.urls),
    path("api/v1/", include("tenant_apps.members.api.urls")),
    path("api/v1/", include("tenant_apps.staff.api.urls")),
    path("api/v1/", include("tenant_apps.catalog.api.urls")),
    path("api/v1/", include("tenant_apps.storefront.api.urls")),
    path("api/v1/", include("tenant_apps.orders.api.urls")),
    path("api/v1/", include("shared_apps.tenancy.api.domain_urls")),
    path("api/v1/", include("tenant_apps.storefront.api.theme_urls")),
    path("api/v1/", include("tenant_apps.pricing.api.urls")),
    path("api/v1/", include("tenant_apps.checkout.api.urls")),
    path("api/v1/", include("tenant_apps.distribution.api.urls")),
    path("api/v1/", include("tenant_apps.coupons.api.urls")),
    path("api/v1/", include("tenant_apps.loyalty.api.urls")),
    path("api/v1/", include("tenant_apps.promotions.api.urls")),
    path("api/v1/", include("tenant_apps.analytics.api.urls")),
    path("api/v1/", include("tenant_apps.group_buys.api.urls")),
    path("api/v1/", include("tenant_apps.flash_sales.api.urls")),
    path("api/v1/", include("tenant_apps.bargains.api.urls")),
    re_path(r"^media/(?P<path>.+)$", shop_media, name="shop-media"),
    # Storefront HTML pages rendered by the shop's theme (last: it owns "/").
    path("", include("tenant_apps.distribution.urls")),  # 分销中心 page, before the storefront's catch-all
    path("", include("tenant_apps.coupons.urls")),  # 领券中心 and 我的优惠券 pages
    path("", include("tenant_apps.loyalty.urls")),  # 签到 and 积分 pages
    path("", include("tenant_apps.group_buys.urls")),  # 拼团 pages, likewise
    path("", include("tenant_apps.flash_sales.urls")),  # 秒杀 page
    path("", include("tenant_apps.bargains.urls")),  # 砍价 pages, likewise
    path("", include("tenant_apps.storefront.urls")),
]

handler404 = not_found
handler500 = server_error
