from django.urls import path

from . import views

urlpatterns = [
    path("manage/shipping-templates", views.ShippingTemplateListView.as_view(), name="manage-shipping-templates"),
    path(
        "manage/shipping-templates/<int:template_id>",
        views.ShippingTemplateDetailView.as_view(),
        name="manage-shipping-template",
    ),
]
