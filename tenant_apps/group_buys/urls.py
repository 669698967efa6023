from django.urls import path

from . import pages

urlpatterns = [
    path("group-buys/<int:activity_id>", pages.activity, name="group-buy-page"),
    path("groups/<int:group_id>", pages.group, name="group-page"),
]
