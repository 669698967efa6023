from django.urls import path

from . import pages

urlpatterns = [path("distribution", pages.centre, name="distribution-centre")]
