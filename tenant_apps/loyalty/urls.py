from django.urls import path

from . import pages

urlpatterns = [
    path("checkin", pages.checkin, name="loyalty-checkin-page"),
    path("points", pages.points, name="loyalty-points-page"),
]
