from django.urls import path

from .views import ShopsView, SignupView

urlpatterns = [
    path("signup", SignupView.as_view(), name="signup"),
    path("shops", ShopsView.as_view(), name="shops"),
]
