from django.urls import path

from . import views

urlpatterns = [
    path("store/checkout/preview", views.CheckoutPreviewView.as_view(), name="store-checkout-preview"),
    path("store/cart", views.CartView.as_view(), name="store-cart"),
    path("store/cart/items", views.CartItemsView.as_view(), name="store-cart-items"),
    path("store/cart/items/<int:line_id>", views.CartItemView.as_view(), name="store-cart-item"),
    path("store/addresses", views.AddressListView.as_view(), name="store-addresses"),
    path("store/addresses/<int:address_id>", views.AddressDetailView.as_view(), name="store-address"),
    path("store/addresses/<int:address_id>/default", views.AddressDefaultView.as_view(), name="store-address-default"),
]
