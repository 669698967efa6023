"""Platform-host pages of the gallery and signup."""

from django.urls import path
from django.views.generic import RedirectView

from .pages import gallery, signup

urlpatterns = [
    # The platform's front page is the template gallery: pick a template, then sign up.
    path("", RedirectView.as_view(pattern_name="gallery", permanent=False), name="home"),
    path("gallery", gallery, name="gallery"),
    path("signup", signup, name="signup-page"),
]
