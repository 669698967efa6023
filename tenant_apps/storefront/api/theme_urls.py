from django.urls import path

from .theme import ThemeSettingsView

urlpatterns = [
    path("manage/theme", ThemeSettingsView.as_view(), name="manage-theme"),
]
