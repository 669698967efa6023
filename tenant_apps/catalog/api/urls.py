from django.urls import path

from . import views

urlpatterns = [
    path("manage/products", views.ProductListView.as_view(), name="manage-products"),
    path("manage/products/import", views.ProductImportView.as_view(), name="manage-products-import"),
    path("manage/products/imports/<int:job_id>", views.ImportJobView.as_view(), name="manage-products-import-job"),
    path("manage/products/export", views.ProductExportView.as_view(), name="manage-products-export"),
    path("manage/products/<int:product_id>", views.ProductDetailView.as_view(), name="manage-product"),
    path("manage/products/<int:product_id>/publish", views.ProductPublishView.as_view(), name="manage-product-publish"),
    path(
        "manage/products/<int:product_id>/unpublish",
        views.ProductUnpublishView.as_view(),
        name="manage-product-unpublish",
    ),
    path("manage/products/<int:product_id>/images", views.ImageUploadView.as_view(), name="manage-product-images"),
    path("manage/images", views.ImageUploadView.as_view(), name="manage-images"),
    path("manage/categories", views.CategoryListView.as_view(), name="manage-categories"),
    path("manage/categories/<int:category_id>", views.CategoryDetailView.as_view(), name="manage-category"),
    path("manage/brands", views.BrandListView.as_view(), name="manage-brands"),
    path("manage/brands/<int:brand_id>", views.BrandDetailView.as_view(), name="manage-brand"),
    path("manage/brands/<int:brand_id>/logo", views.BrandLogoView.as_view(), name="manage-brand-logo"),
    path("manage/skus/<int:sku_id>/stock", views.SkuStockView.as_view(), name="manage-sku-stock"),
    path("manage/low-stock-notices", views.LowStockNoticeListView.as_view(), name="manage-low-stock-notices"),
    path("manage/catalog/settings", views.CatalogSettingsView.as_view(), name="manage-catalog-settings"),
]
