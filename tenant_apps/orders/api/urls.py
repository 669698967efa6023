from django.urls import path

from . import views

urlpatterns = [
    path("store/orders", views.StoreOrderListView.as_view(), name="store-orders"),
    path("store/orders/<int:order_id>", views.StoreOrderDetailView.as_view(), name="store-order"),
    path("store/orders/<int:order_id>/pay", views.StoreOrderPayView.as_view(), name="store-order-pay"),
    path("store/orders/<int:order_id>/cancel", views.StoreOrderCancelView.as_view(), name="store-order-cancel"),
    path(
        "store/orders/<int:order_id>/confirm-receipt",
        views.StoreOrderConfirmReceiptView.as_view(),
        name="store-order-confirm-receipt",
    ),
    path("manage/orders", views.ManageOrderListView.as_view(), name="manage-orders"),
    path("manage/orders/<int:order_id>", views.ManageOrderDetailView.as_view(), name="manage-order"),
]
