from django.urls import path

from . import ops, views

urlpatterns = [
    path("billing/plans", views.PlansView.as_view(), name="billing-plans"),
    path("billing/stripe/webhook", views.StripeBillingWebhookView.as_view(), name="billing-stripe-webhook"),
    path("shops/<int:shop_id>/subscription", views.ShopSubscriptionView.as_view(), name="shop-subscription"),
    path("shops/<int:shop_id>/invoices", views.ShopInvoicesView.as_view(), name="shop-invoices"),
    path("shops/<int:shop_id>/fee-ledger", views.ShopFeeLedgerView.as_view(), name="shop-fee-ledger"),
]

urlpatterns += [
    path("ops/shops", ops.OpsShopsView.as_view(), name="ops-shops"),
    path("ops/shops/<int:shop_id>/suspend", ops.OpsShopActionView.as_view(action_name="suspend"), name="ops-suspend"),
    path("ops/shops/<int:shop_id>/resume", ops.OpsShopActionView.as_view(action_name="resume"), name="ops-resume"),
    path("ops/revenue", ops.OpsRevenueView.as_view(), name="ops-revenue"),
    path("ops/invoices/<int:invoice_id>/mark-paid", ops.OpsInvoicePaidView.as_view(), name="ops-invoice-paid"),
]
