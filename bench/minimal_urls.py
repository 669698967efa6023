"""URLs of the minimal reference app: one JSON view, and /healthz for the launcher's readiness check."""

from django.http import JsonResponse
from django.urls import path


def plain(request):
    return JsonResponse({"ok": True})


urlpatterns = [path("plain", plain), path("healthz", plain)]
