"""Benchmark settings: the product settings plus bench-only URLs, on a database of their own (never dev data).

BENCH_STOCK=1 swaps our ShopRoutingMiddleware for django-tenants' stock TenantMainMiddleware;
BENCH_STOCK=naive also drops persistent connections and TENANT_LIMIT_SET_CALLS (django-tenants' defaults).
"""

import os

from micromall.settings import *  # noqa: F403
from micromall.settings import CACHES, DATABASES, MIDDLEWARE

DEBUG = False  # DEBUG keeps every SQL query in memory: not what production pays
ROOT_URLCONF = "bench.urls_public"
SHOP_URLCONF = "bench.urls_shop"
DATABASES["default"]["NAME"] = os.environ.get("BENCH_DATABASE_NAME", "mm_bench")
DATABASES["default"]["TEST"] = {"NAME": None}
CACHES["default"]["KEY_PREFIX"] = "bench"

STOCK = os.environ.get("BENCH_STOCK", "")
if STOCK:
    MIDDLEWARE = [
        "django_tenants.middleware.main.TenantMainMiddleware"
        if name == "shared_apps.tenancy.middleware.ShopRoutingMiddleware"
        else name
        for name in MIDDLEWARE
    ]
    # The stock middleware serves every tenant host with ROOT_URLCONF.
    ROOT_URLCONF = "bench.urls_shop"
    PUBLIC_SCHEMA_URLCONF = "bench.urls_public"
if STOCK == "naive":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    TENANT_LIMIT_SET_CALLS = False
