"""`GET /healthz` on every host: database and Redis, 503 naming what is down."""

from django.conf import settings
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
    """`?deep=1` also sends a task and waits (≤ HEALTH_WORKER_TIMEOUT s) for a worker to answer from this schema."""
    checks = {"database": _database_ok(), "redis": _redis_ok()}
    if request.GET.get("deep") == "1":
        from .diagnostics import worker_answers

        checks["worker"] = checks["redis"] and worker_answers(settings.HEALTH_WORKER_TIMEOUT)
    body = {"status": "ok" if all(checks.values()) else "down"}
    body.update({name: "ok" if ok else "down" for name, ok in checks.items()})
    return JsonResponse(body, status=200 if all(checks.values()) else 503)
