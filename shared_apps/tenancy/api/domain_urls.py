"""Shop-host URLs of tenancy's merchant API (included by micromall.urls_shop)."""

from django.urls import path

from .domains import DomainDetailView, DomainListView, DomainPrimaryView, DomainVerifyView, SubdomainPrimaryView
from .staff import StaffDetailView, StaffListView

urlpatterns = [
    path("manage/domains", DomainListView.as_view(), name="manage-domains"),
    path("manage/domains/subdomain/primary", SubdomainPrimaryView.as_view(), name="manage-subdomain-primary"),
    path("manage/domains/<int:pk>", DomainDetailView.as_view(), name="manage-domain"),
    path("manage/domains/<int:pk>/verify", DomainVerifyView.as_view(), name="manage-domain-verify"),
    path("manage/domains/<int:pk>/primary", DomainPrimaryView.as_view(), name="manage-domain-primary"),
    path("manage/staff", StaffListView.as_view(), name="manage-staff"),
    path("manage/staff/<int:user_id>", StaffDetailView.as_view(), name="manage-staff-member"),
]
