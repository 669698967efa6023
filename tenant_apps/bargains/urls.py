from django.urls import path

from . import pages

urlpatterns = [
    path("bargains/<int:activity_id>", pages.activity, name="bargain-page"),
    path("bargain-sessions/<int:session_id>", pages.session, name="bargain-session-page"),
    path("account/bargains", pages.mine, name="my-bargains-page"),
]
