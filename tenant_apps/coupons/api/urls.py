from django.urls import path

from . import views

urlpatterns = [
    path("manage/coupons", views.ManageCouponsView.as_view(), name="coupons-manage"),
    path("manage/coupons/<int:coupon_id>", views.ManageCouponView.as_view(), name="coupons-manage-detail"),
    path("manage/coupons/<int:coupon_id>/issue", views.ManageIssueView.as_view(), name="coupons-manage-issue"),
    path("store/coupons/available", views.AvailableView.as_view(), name="coupons-available"),
    path("store/coupons/usable", views.UsableView.as_view(), name="coupons-usable"),
    path("store/coupons/<int:coupon_id>/claim", views.ClaimView.as_view(), name="coupons-claim"),
    path("store/coupons", views.MyCouponsView.as_view(), name="coupons-mine"),
]
