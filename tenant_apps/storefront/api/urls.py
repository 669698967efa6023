from django.urls import path

from . import views

urlpatterns = [
    path("store/products", views.StoreProductListView.as_view(), name="store-products"),
    path("store/products/<int:product_id>", views.StoreProductDetailView.as_view(), name="store-product"),
    path("store/categories", views.StoreCategoryTreeView.as_view(), name="store-categories"),
    path("store/member-prices", views.StoreMemberPricesView.as_view(), name="store-member-prices"),
]
