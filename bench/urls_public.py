"""Platform host of the bench: the real platform URLs plus /bench/plain."""

from django.urls import path

from micromall.urls_public import handler404
from micromall.urls_public import urlpatterns as product_urlpatterns

from .views import plain

urlpatterns = [path("bench/plain", plain), *product_urlpatterns]

__all__ = ["handler404", "urlpatterns"]
