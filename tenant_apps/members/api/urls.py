from django.urls import path

from . import views

urlpatterns = [
    path("store/auth/register", views.RegisterView.as_view(), name="store-register"),
    path("store/auth/token", views.SignInView.as_view(), name="store-token"),
    path("store/me", views.MeView.as_view(), name="store-me"),
]
