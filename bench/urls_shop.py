"""Shop hosts of the bench: the real shop URLs plus /bench/noquery and /bench/rows."""

from django.urls import path

from micromall.urls_shop import handler404
from micromall.urls_shop import urlpatterns as product_urlpatterns

from .views import noquery, plain, rows

urlpatterns = [
    path("bench/plain", plain),
    path("bench/noquery", noquery),
    path("bench/rows", rows),
    *product_urlpatterns,
]

__all__ = ["handler404", "urlpatterns"]
