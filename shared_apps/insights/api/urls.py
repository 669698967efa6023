from django.urls import path

from . import views

urlpatterns = [
    path("agencies/<int:agency_id>/report", views.AgencyReportView.as_view(), name="agency-report"),
]
