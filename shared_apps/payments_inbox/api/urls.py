from django.urls import path

from . import views

urlpatterns = [
    path("payments/stripe/webhook", views.StripeConnectWebhookView.as_view(), name="payments-stripe-webhook"),
]
