"""Storefront pages on shop hosts (mounted at "/")."""

from django.urls import path, re_path

from . import account, order_pages, views

app_name = "storefront"

urlpatterns = [
    path("", views.home, name="home"),
    path("search", views.search, name="search"),
    path("categories", views.categories, name="categories"),
    path("c/<str:category>", views.category, name="category"),
    path("p/<int:product_id>", views.product, name="product"),
    path("p/<int:product_id>/qr.svg", views.product_qr, name="product-qr"),
    path("cart", views.cart, name="cart"),
    path("account", account.account, name="account"),
    path("checkout", order_pages.checkout, name="checkout"),
    path("orders", order_pages.orders, name="orders"),
    path("orders/<int:order_id>", order_pages.order, name="order"),
    path("orders/<int:order_id>/pay", order_pages.pay, name="order-pay"),
    path("orders/<int:order_id>/result", order_pages.pay_result, name="order-pay-result"),
    path("orders/<int:order_id>/aftersale", order_pages.aftersale, name="order-aftersale"),
    # Last route on shop hosts: any unknown path gets the theme's 404 page (JSON 404 under /api/).
    # [\s\S], not ".": a path holding a newline (%0A) must not slip past it to Django's default 404.
    re_path(r"^(?!static/|media/)(?P<path>[\s\S]*)$", views.not_found, name="not-found"),
]
