"""Micromall settings. Everything deployment-specific comes from the environment (see README)."""

import os
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlparse

BASE_DIR = Path(__file__).resolve().parents[2]
DATA_DIR = Path(os.environ.get("MICROMALL_DATA_DIR", BASE_DIR / ".data"))


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_int(name: str, default: int) -> int:
    return int(os.environ.get(name, default))


def database_from_url(url: str) -> dict:
    """postgresql://user:pass@host:port/name?host=/socket/dir -> Django DATABASES entry."""
    parsed = urlparse(url)
    query = parse_qs(parsed.query)
    host = query.get("host", [parsed.hostname or ""])[0]
    return {
        "ENGINE": "django_tenants.postgresql_backend",
        "NAME": unquote(parsed.path.lstrip("/")) or "micromall",
        "USER": unquote(parsed.username or ""),
        "PASSWORD": unquote(parsed.password or ""),
        "HOST": host,
        "PORT": str(parsed.port or ""),
        # Persistent connections: a new PostgreSQL connection costs 6-8 ms on this hardware.
        "CONN_MAX_AGE": env_int("DB_CONN_MAX_AGE", 600),
        "CONN_HEALTH_CHECKS": True,
        "TEST": {"NAME": os.environ.get("TEST_DATABASE_NAME") or None},
    }


# The hot paths' statements are prepared on the server once per connection (micromall/db/prepared.py). Turn off
# behind PgBouncer in transaction pooling (deploy/SCALING.md), where a session's prepared statements are not kept.
DB_PREPARED_STATEMENTS = env_bool("DB_PREPARED_STATEMENTS", True)


# Known to everyone (it is in the repository): web and worker processes refuse it when DEBUG is off
# (micromall/startup_checks.py). `make run` generates a key of its own and keeps it in .data/secret-key.txt.
DEV_SECRET_KEY = "dev-insecure-micromall-secret-change-me"
SECRET_KEY = os.environ.get("SECRET_KEY", DEV_SECRET_KEY)
# Off unless asked for: `make run` sets DEBUG=1 for local use, production images and manifests set 0.
DEBUG = env_bool("DEBUG", False)
ROOT_DOMAIN = os.environ.get("ROOT_DOMAIN", "localhost").lower()
# Any host may reach the app: unknown hosts get a clean 404 from the shop router, which is the real check.
ALLOWED_HOSTS = ["*"]
SITE_SCHEME = os.environ.get("SITE_SCHEME", "http")
SITE_PORT = os.environ.get("SITE_PORT", os.environ.get("PORT", "8000"))

DATABASE_URL = os.environ.get("DATABASE_URL", "postgresql://root@127.0.0.1:5432/micromall")
DATABASES = {"default": database_from_url(DATABASE_URL)}
DATABASE_ROUTERS = ("django_tenants.routers.TenantSyncRouter",)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"


def celery_broker_from_redis_url(url: str) -> str:
    """kombu spells a unix socket `redis+socket:///path?virtual_host=N`; redis-py spells it `unix:///path?db=N`."""
    parsed = urlparse(url)
    if parsed.scheme != "unix":
        return url
    db = parse_qs(parsed.query).get("db", ["0"])[0]
    return f"redis+socket://{parsed.path}?virtual_host={db}"


# `redis://host:port/db`, `rediss://...` or `unix:///path/redis.sock?db=0` (the embedded Redis of `make run`).
REDIS_URL = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")
CACHES = {
    "default": {
        "BACKEND": "django_redis.cache.RedisCache",
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": os.environ.get("CACHE_KEY_PREFIX", "mm"),
        "OPTIONS": {"SOCKET_CONNECT_TIMEOUT": 2, "SOCKET_TIMEOUT": 2, "IGNORE_EXCEPTIONS": True},
    }
}

SHARED_APPS = [
    "django_tenants",
    "shared_apps.tenancy",
    "shared_apps.accounts",
    "shared_apps.agencies",
    "shared_apps.gallery",
    "shared_apps.payments_inbox",
    "shared_apps.insights",
    "billing",
    "django.contrib.contenttypes",
    "django.contrib.auth",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    # Unfold (a maintained admin theme) must come before Django's admin so its templates win.
    "micromall.backoffice.apps.BackOfficeConfig",
    "unfold.apps.BasicAppConfig",  # not the default config: it would replace admin.site with a plain Unfold site
    "unfold.contrib.forms",
    "micromall.backoffice.apps.BackOfficeAdminConfig",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
]
TENANT_APPS = [
    "django.contrib.contenttypes",
    "tenant_apps.members",
    "tenant_apps.staff",
    "tenant_apps.events",
    "tenant_apps.catalog",
    "tenant_apps.storefront",
    "tenant_apps.pricing",
    "tenant_apps.checkout",
    "tenant_apps.orders",
    "tenant_apps.notifications",
    "tenant_apps.distribution",
    "tenant_apps.marketing",
    "tenant_apps.coupons",
    "tenant_apps.loyalty",
    "tenant_apps.promotions",
    "tenant_apps.group_buys",
    "tenant_apps.analytics",
    "tenant_apps.flash_sales",
    "tenant_apps.bargains",
]
INSTALLED_APPS = SHARED_APPS + [app for app in TENANT_APPS if app not in SHARED_APPS]

TENANT_MODEL = "tenancy.Shop"
TENANT_DOMAIN_MODEL = "tenancy.Domain"
# Issue `SET search_path` only when the schema changes, not on every cursor.
TENANT_LIMIT_SET_CALLS = True
# django-tenants' backend extends ours: Django's with a health check that skips the round trip on a quiet
# connection (micromall/db/postgresql/base.py).
ORIGINAL_BACKEND = "micromall.db.postgresql"
# Seconds a web process trusts its in-memory host -> shop entry before re-reading the shared cache.
SHOP_HOST_LOCAL_TTL = float(os.environ.get("SHOP_HOST_LOCAL_TTL", "2"))
SHOP_HOST_CACHE_TTL = env_int("SHOP_HOST_CACHE_TTL", 300)

AUTH_USER_MODEL = "accounts.User"
# The back office's sign-in page (unfold's template) posts no `next`: land on the back office, not /accounts/profile/.
LOGIN_REDIRECT_URL = "/admin/"
PASSWORD_HASHERS = [
    "micromall.hashers.Argon2idPasswordHasher",
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "micromall.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

MIDDLEWARE = [
    "micromall.middleware.RequestLimitsMiddleware",
    # Static files before host routing: /static/ answers on every host without a database read.
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "shared_apps.tenancy.middleware.ShopRoutingMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "micromall.middleware.BackOfficeSigninThrottleMiddleware",
    "micromall.middleware.MessageMiddleware",  # Django's, with the storage made on first use
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]
ROOT_URLCONF = "micromall.urls_public"
SHOP_URLCONF = "micromall.urls_shop"
WSGI_APPLICATION = "micromall.wsgi.application"
APPEND_SLASH = False

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "platform" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    }
]

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
# platform/micromall is no installed app: its catalogue (API kernel, middleware, error pages) is listed here.
LOCALE_PATHS = [BASE_DIR / "locale", BASE_DIR / "platform" / "micromall" / "locale"]
TIME_ZONE = os.environ.get("TIME_ZONE", "Asia/Shanghai")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
# Each theme's static/ folder is served under /static/themes/<slug>/ (themes/README.md).
STATICFILES_DIRS = [(f"themes/{path.parent.name}", path) for path in sorted((BASE_DIR / "themes").glob("*/static"))]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", DATA_DIR / "media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Media on S3 (or any S3-compatible store) when a bucket is configured; each shop writes under shops/<schema>/.
AWS_STORAGE_BUCKET_NAME = os.environ.get("AWS_STORAGE_BUCKET_NAME", "")
if AWS_STORAGE_BUCKET_NAME:
    STORAGES["default"] = {"BACKEND": "storages.backends.s3.S3Storage"}
    AWS_S3_ENDPOINT_URL = os.environ.get("AWS_S3_ENDPOINT_URL") or None
    AWS_S3_REGION_NAME = os.environ.get("AWS_S3_REGION_NAME") or None
    AWS_S3_CUSTOM_DOMAIN = os.environ.get("AWS_S3_CUSTOM_DOMAIN") or None
    AWS_QUERYSTRING_AUTH = env_bool("AWS_QUERYSTRING_AUTH", True)
    AWS_S3_FILE_OVERWRITE = False
    AWS_DEFAULT_ACL = None

# Bodies and headers: anything larger is refused with a 4xx before a view runs.
DATA_UPLOAD_MAX_MEMORY_SIZE = env_int("MAX_BODY_BYTES", 2 * 1024 * 1024)
FILE_UPLOAD_MAX_MEMORY_SIZE = DATA_UPLOAD_MAX_MEMORY_SIZE
MAX_UPLOAD_BYTES = env_int("MAX_UPLOAD_BYTES", 10 * 1024 * 1024)
MAX_HEADER_BYTES = env_int("MAX_HEADER_BYTES", 8 * 1024)
# JSON bodies nested deeper than this are a 400 (deep input would exhaust the recursion limit of every layer).
MAX_JSON_DEPTH = env_int("MAX_JSON_DEPTH", 32)
# Uploaded images above this many pixels are refused: every shopper's phone would have to decode them.
CATALOG_MAX_IMAGE_PIXELS = env_int("MAX_IMAGE_PIXELS", 25_000_000)

# Same-origin frames only: the theme settings screen previews the storefront of its own host in an iframe.
X_FRAME_OPTIONS = "SAMEORIGIN"
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
# Served over TLS: cookies only travel encrypted and browsers remember to use https (HSTS).
SITE_IS_HTTPS = SITE_SCHEME == "https"
SESSION_COOKIE_SECURE = SITE_IS_HTTPS
CSRF_COOKIE_SECURE = SITE_IS_HTTPS
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000) if SITE_IS_HTTPS else 0
# Shop hosts are subdomains of ROOT_DOMAIN and are served over the same scheme.
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
if SITE_IS_HTTPS and env_int("NUM_PROXIES", 0) > 0:
    # TLS ends at the proxy (nginx, the ingress), which overwrites X-Forwarded-Proto with the real scheme.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "noreply@micromall.localhost")

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "shared_apps.accounts.authentication.PlatformTokenAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["micromall.api.parsers.JSONParser"],
    "DEFAULT_CONTENT_NEGOTIATION_CLASS": "micromall.api.negotiation.ContentNegotiation",
    "DEFAULT_SCHEMA_CLASS": "micromall.api.openapi.AreaAutoSchema",
    "DEFAULT_PAGINATION_CLASS": "micromall.api.pagination.PageNumberPagination",
    "PAGE_SIZE": 20,
    "EXCEPTION_HANDLER": "micromall.api.errors.exception_handler",
    "DEFAULT_THROTTLE_CLASSES": [
        "micromall.api.throttling.AnonRateThrottle",
        "micromall.api.throttling.UserRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "anon": os.environ.get("THROTTLE_ANON", "600/min"),
        "user": os.environ.get("THROTTLE_USER", "1200/min"),
        "signin": os.environ.get("THROTTLE_SIGNIN", "10/min"),
        "signin_account": os.environ.get("THROTTLE_SIGNIN_ACCOUNT", "20/hour"),
        "signup": os.environ.get("THROTTLE_SIGNUP", "5/min"),
        "password_reset": os.environ.get("THROTTLE_PASSWORD_RESET", "5/hour"),
        # Shoppers' catalog reads per client address: generous, many shoppers share one carrier NAT address.
        "store_read": os.environ.get("THROTTLE_STORE_READ", "6000/min"),
    },
    "NUM_PROXIES": env_int("NUM_PROXIES", 0),
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}

SPECTACULAR_SETTINGS = {
    "TITLE": "Micromall API",
    "DESCRIPTION": "Platform host (signup, gallery, accounts) and shop host (storefront, merchant) APIs.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "micromall.api.openapi.document_error_responses",
        "micromall.api.openapi.tag_by_area",
    ],
    # Several models have a `status` with their own choices: name each set after its model.
    "ENUM_NAME_OVERRIDES": {
        "ProductStatusEnum": "tenant_apps.catalog.models.ProductStatus",
        "ImportStatusEnum": "tenant_apps.catalog.models.ImportStatus",
        "ShopStatusEnum": "shared_apps.tenancy.models.ShopStatus",
        "CustomDomainStatusEnum": "shared_apps.tenancy.models.CustomDomainStatus",
        "OrderStatusEnum": "tenant_apps.orders.models.OrderStatus",
        "PaymentStatusEnum": "tenant_apps.orders.models.PaymentStatus",
        "AfterSaleStatusEnum": "tenant_apps.orders.models.AfterSaleStatus",
        "DistributorStatusEnum": "tenant_apps.distribution.models.DistributorStatus",
        "CommissionEntryStatusEnum": "tenant_apps.distribution.models.EntryStatus",
        "WithdrawalStatusEnum": "tenant_apps.distribution.models.WithdrawalStatus",
        "PointsEntryKindEnum": "tenant_apps.loyalty.models.EntryKind",
        "InvitationStatusEnum": "tenant_apps.loyalty.models.InvitationStatus",
        "PromotionRuleKindEnum": "tenant_apps.promotions.models.RuleKind",
        "SubscriptionStatusEnum": "billing.models.SubscriptionStatus",
        "InvoiceStatusEnum": "billing.models.InvoiceStatus",
        "PaymentMethodEnum": "tenant_apps.orders.models.PaymentMethod",
        "ActivityTypeEnum": "tenant_apps.checkout.extensions.ACTIVITY_TYPES",
        "AfterSaleTypeEnum": "tenant_apps.orders.models.AfterSaleType",
        "CouponKindEnum": "tenant_apps.coupons.models.CouponKind",
        "CouponValidityEnum": "tenant_apps.coupons.models.Validity",
        "MemberCouponStatusEnum": "tenant_apps.coupons.models.MemberCouponStatus",
        "ActivityStatusEnum": "tenant_apps.marketing.models.ActivityStatus",
        "GroupStatusEnum": "tenant_apps.group_buys.models.GroupStatus",
        "BargainSessionStatusEnum": "tenant_apps.bargains.models.SessionStatus",
        "BargainCutModeEnum": "tenant_apps.bargains.models.CutMode",
    },
    # Endpoints grouped by area in Swagger UI (micromall.api.openapi.tag_by_area).
    "TAGS": [
        {"name": "store", "description": "Shop host, shoppers: catalog, cart, orders, member account."},
        {"name": "manage", "description": "Shop host, merchant API: a platform token with a role on the shop."},
        {"name": "platform", "description": "Platform host: signup, sign-in, templates, shops, agencies, billing."},
        {"name": "ops", "description": "Platform host, operator staff only."},
    ],
}

# Celery: tasks carry the schema they were sent from (tenant-schemas-celery).
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", celery_broker_from_redis_url(REDIS_URL))
# Results are only read by `/healthz?deep=1` (worker round trip); they expire quickly.
CELERY_RESULT_BACKEND = os.environ.get("CELERY_RESULT_BACKEND", CELERY_BROKER_URL)
CELERY_RESULT_EXPIRES = 300
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", False)
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BEAT_SCHEDULE_FILENAME = str(DATA_DIR / "celerybeat-schedule")
CELERY_BEAT_SCHEDULE: dict = {}
# Launch: pre-migrated spare shop schemas wait for signups (shared_apps/tenancy/provisioning.py).
SPARE_SCHEMA_POOL_SIZE = env_int("SPARE_SCHEMA_POOL_SIZE", 5)
SPARE_POOL_REFILL_ON_CLAIM = env_bool("SPARE_POOL_REFILL_ON_CLAIM", True)  # enqueue a top-up after each claim
AUTO_LOGIN_MAX_AGE = env_int("AUTO_LOGIN_MAX_AGE", 120)  # seconds a one-time back-office login link lives
CELERY_BEAT_SCHEDULE["top-up-spare-schemas"] = {
    "task": "shared_apps.tenancy.tasks.top_up_spare_schemas",
    "schedule": 60.0,
}
# Back office frame (django-unfold): both admin sites; each site overrides titles and navigation itself.
UNFOLD = {
    "SITE_SYMBOL": "storefront",
    "SHOW_HISTORY": False,
    "SHOW_VIEW_ON_SITE": True,
    "SHOW_LANGUAGES": True,
    "BORDER_RADIUS": "6px",
    "COLORS": {
        # Youzan-like red as the primary colour.
        "primary": {
            "50": "oklch(97.1% .013 17.38)",
            "100": "oklch(93.6% .032 17.717)",
            "200": "oklch(88.5% .062 18.334)",
            "300": "oklch(80.8% .114 19.571)",
            "400": "oklch(70.4% .191 22.216)",
            "500": "oklch(63.7% .237 25.331)",
            "600": "oklch(57.7% .245 27.325)",
            "700": "oklch(50.5% .213 27.518)",
            "800": "oklch(44.4% .177 26.899)",
            "900": "oklch(39.6% .141 25.723)",
            "950": "oklch(25.8% .092 26.042)",
        },
    },
    "STYLES": ["/static/backoffice/backoffice.css"],
}
# Shop payments (tenant_apps/orders, docs/orders.md). Stripe Connect: charges on each shop's connected account.
STRIPE_SECRET_KEY = os.environ.get("STRIPE_SECRET_KEY", "")
STRIPE_API_VERSION = os.environ.get("STRIPE_API_VERSION", "2026-10-28.endive")  # pinned; the SDK's own version
STRIPE_API_BASE = os.environ.get("STRIPE_API_BASE", "")  # empty = api.stripe.com (tests: a loopback fake)
STRIPE_CONNECT_WEBHOOK_SECRET = os.environ.get("STRIPE_CONNECT_WEBHOOK_SECRET", "")
# pk_…: the payment page loads https://js.stripe.com/v3 (Payment Element) only when this is set.
STRIPE_PUBLISHABLE_KEY = os.environ.get("STRIPE_PUBLISHABLE_KEY", "")
PAYMENTS_TECHNICAL_FEE_BPS = env_int("PAYMENTS_TECHNICAL_FEE_BPS", 60)  # until the shop's plan says otherwise
CELERY_BEAT_SCHEDULE["orders-dispatch-due-timers"] = {"task": "orders.dispatch_due_timers", "schedule": 60.0}
CELERY_BEAT_SCHEDULE["orders-sweep-all-shops"] = {"task": "orders.sweep_all_shops", "schedule": 24 * 3600.0}
# Distribution (docs/distribution.md): commissions past their freeze become available; tier upgrades.
CELERY_BEAT_SCHEDULE["distribution-release"] = {"task": "distribution.release_all_shops", "schedule": 3600.0}
CELERY_BEAT_SCHEDULE["distribution-tiers"] = {"task": "distribution.upgrade_all_shops", "schedule": 24 * 3600.0}
# Marketing activities: stored statuses follow the clock (reads check the window themselves).
CELERY_BEAT_SCHEDULE["marketing-dispatch-due"] = {"task": "marketing.dispatch_due", "schedule": 60.0}
CELERY_BEAT_SCHEDULE["loyalty-run-all-shops"] = {"task": "loyalty.run_all_shops", "schedule": 3600.0}
CELERY_BEAT_SCHEDULE["marketing-sweep-all-shops"] = {"task": "marketing.sweep_all_shops", "schedule": 24 * 3600.0}
# Group buys (拼团): groups past their deadline form (auto-fill) or fail and are refunded.
CELERY_BEAT_SCHEDULE["group-buys-dispatch-due"] = {"task": "group_buys.dispatch_due", "schedule": 60.0}
CELERY_BEAT_SCHEDULE["group-buys-sweep-all-shops"] = {"task": "group_buys.sweep_all_shops", "schedule": 24 * 3600.0}
# Domain events: drain only the shops marked as having open outbox events (docs/events.md).
CELERY_BEAT_SCHEDULE["drain-marked-shops"] = {"task": "events.sweep", "schedule": 60.0}
EVENTS_RETENTION_DAYS = env_int("EVENTS_RETENTION_DAYS", 30)  # delivered outbox events are pruned after this
# Platform billing (billing/, docs/billing.md). With STRIPE_SECRET_KEY (shared with shop payments) Stripe Billing
# runs subscriptions; without it billing is offline: invoices issued locally, marked paid by the operator.
STRIPE_BILLING_WEBHOOK_SECRET = os.environ.get("STRIPE_BILLING_WEBHOOK_SECRET", "")
BILLING_GRACE_DAYS = env_int("BILLING_GRACE_DAYS", 7)  # past_due for this long -> the shop is suspended
BILLING_INVOICE_DUE_DAYS = env_int("BILLING_INVOICE_DUE_DAYS", 7)  # offline invoices unpaid after this are failed
BILLING_DEFAULT_PLAN = os.environ.get("BILLING_DEFAULT_PLAN", "basic-monthly")  # the trial every new shop starts
# Data centre (tenant_apps/analytics): buffered storefront events into the database every minute (only shops with
# buffered events); daily rollups and retention per shop. ANALYTICS_COLLECT=0 turns event collection off.
ANALYTICS_COLLECT = env_bool("ANALYTICS_COLLECT", True)
# Events wait in the process for up to ANALYTICS_LOCAL_SECONDS or ANALYTICS_LOCAL_BUFFER events, then go to Redis
# in one round trip (0 = every event at once). A push has a fixed cost in the web process (its thread's Redis round
# trip and GIL hand-offs): with no pushes at all bench/analytics.py measured 0.96-1.03 of the throughput with
# collection off, with a push per 100 events 0.84-0.87; so pushes are few and large. A killed process loses at
# most its last 2 seconds of views.
ANALYTICS_LOCAL_BUFFER = env_int("ANALYTICS_LOCAL_BUFFER", 2000)
ANALYTICS_LOCAL_SECONDS = float(os.environ.get("ANALYTICS_LOCAL_SECONDS", "2"))
CELERY_BEAT_SCHEDULE["analytics-flush"] = {"task": "analytics.flush_all", "schedule": 60.0}
CELERY_BEAT_SCHEDULE["analytics-rollup"] = {"task": "analytics.rollup_all_shops", "schedule": 24 * 3600.0}
CELERY_BEAT_SCHEDULE["billing-run"] = {"task": "billing.run_billing", "schedule": 3600.0}
HEALTH_WORKER_TIMEOUT = float(os.environ.get("HEALTH_WORKER_TIMEOUT", "3"))

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}
