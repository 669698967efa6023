from django.urls import path

from . import views

urlpatterns = [
    path("store/checkout/preview", views.CheckoutPreviewView.as_view(), name="store-checkout-preview"),
]
