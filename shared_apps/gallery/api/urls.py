from django.urls import path

from .views import TemplateListView

urlpatterns = [
    path("templates", TemplateListView.as_view(), name="templates"),
]
