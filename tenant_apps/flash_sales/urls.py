from django.urls import path

from . import pages

urlpatterns = [path("flash-sales", pages.flash_sales, name="flash-sales")]
