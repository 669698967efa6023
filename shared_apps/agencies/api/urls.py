from django.urls import path

from . import views

urlpatterns = [
    path("agencies", views.AgenciesView.as_view(), name="agencies"),
    path("agencies/<int:agency_id>/members", views.AgencyMembersView.as_view(), name="agency-members"),
    path("agencies/<int:agency_id>/shops", views.AgencyShopsView.as_view(), name="agency-shops"),
    path("agencies/<int:agency_id>/bulk", views.AgencyBulkView.as_view(), name="agency-bulk"),
    path("shops/<int:shop_id>/transfer", views.ShopTransferView.as_view(), name="shop-transfer"),
]
