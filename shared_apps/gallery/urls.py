"""Platform-host pages of the gallery and signup."""

from django.urls import path

from .pages import gallery, signup

urlpatterns = [
    path("gallery", gallery, name="gallery"),
    path("signup", signup, name="signup-page"),
]
