from django.urls import path

from . import pages

urlpatterns = [
    path("coupons", pages.centre, name="coupons-centre"),
    path("account/coupons", pages.mine, name="coupons-mine-page"),
]
