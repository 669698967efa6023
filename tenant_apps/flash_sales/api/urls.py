from django.urls import path

from . import views

urlpatterns = [
    path("manage/flash-sales", views.ManageFlashSalesView.as_view(), name="flash-sales-manage"),
    path("manage/flash-sales/<int:sale_id>", views.ManageFlashSaleView.as_view(), name="flash-sale-manage"),
    *[
        path(
            f"manage/flash-sales/<int:sale_id>/{action}",
            views.ManageFlashSaleActionView.as_view(action_name=action),
            name=f"flash-sale-{action}",
        )
        for action in views.ACTION_NAMES
    ],
    path("store/flash-sales", views.StoreFlashSalesView.as_view(), name="flash-sales-store"),
]
