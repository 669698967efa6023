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
    path(
        "store/orders/<int:order_id>/aftersales", views.StoreOrderAfterSaleView.as_view(), name="store-order-aftersales"
    ),
    path("store/aftersales", views.StoreAfterSaleListView.as_view(), name="store-aftersales"),
    path("store/aftersales/<int:aftersale_id>", views.StoreAfterSaleDetailView.as_view(), name="store-aftersale"),
    path("manage/orders", views.ManageOrderListView.as_view(), name="manage-orders"),
    path("manage/orders/<int:order_id>", views.ManageOrderDetailView.as_view(), name="manage-order"),
    path("manage/orders/<int:order_id>/ship", views.ManageOrderShipView.as_view(), name="manage-order-ship"),
    path("manage/aftersales", views.ManageAfterSaleListView.as_view(), name="manage-aftersales"),
    path("manage/aftersales/<int:aftersale_id>", views.ManageAfterSaleDetailView.as_view(), name="manage-aftersale"),
    path(
        "manage/aftersales/<int:aftersale_id>/approve",
        views.ManageAfterSaleApproveView.as_view(),
        name="manage-aftersale-approve",
    ),
    path(
        "manage/aftersales/<int:aftersale_id>/reject",
        views.ManageAfterSaleRejectView.as_view(),
        name="manage-aftersale-reject",
    ),
    path(
        "manage/aftersales/<int:aftersale_id>/receive",
        views.ManageAfterSaleReceiveView.as_view(),
        name="manage-aftersale-receive",
    ),
    path(
        "manage/aftersales/<int:aftersale_id>/ship",
        views.ManageAfterSaleShipView.as_view(),
        name="manage-aftersale-ship",
    ),
]
