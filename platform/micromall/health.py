"""`GET /healthz` on every host: database and Redis, 503 naming what is down."""

from django.core.cache import cache
from django.db import connection
from django.http import JsonResponse


def _database_ok() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone() == (1,)
    except Exception:
        return False


def _redis_ok() -> bool:
    try:
        return bool(cache.client.get_client(write=True).ping())
    except Exception:
        return False


def healthz(request):
    checks = {"database": _database_ok(), "redis": _redis_ok()}
    body = {"status": "ok" if all(checks.values()) else "down"}
    body.update({name: "ok" if ok else "down" for name, ok in checks.items()})
    return JsonResponse(body, status=200 if all(checks.values()) else 503)
