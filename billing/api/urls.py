from django.urls import path

from . import views

urlpatterns = [
    path("billing/plans", views.PlansView.as_view(), name="billing-plans"),
    path("billing/stripe/webhook", views.StripeBillingWebhookView.as_view(), name="billing-stripe-webhook"),
    path("shops/<int:shop_id>/subscription", views.ShopSubscriptionView.as_view(), name="shop-subscription"),
    path("shops/<int:shop_id>/invoices", views.ShopInvoicesView.as_view(), name="shop-invoices"),
    path("shops/<int:shop_id>/fee-ledger", views.ShopFeeLedgerView.as_view(), name="shop-fee-ledger"),
]
