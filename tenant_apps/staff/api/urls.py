from django.urls import path

from . import views

urlpatterns = [
    path("manage/shop", views.ShopProfileView.as_view(), name="manage-shop"),
]
