"""Platform-host pages of the gallery, signup and the merchant's sign-in / my shops."""

from django.urls import path
from django.views.generic import RedirectView

from .merchant_pages import login_page, logout_page, my_shops, open_back_office
from .pages import gallery, signup
from .password_reset import RequestResetView, ResetDoneView, ResetSentView, SetNewPasswordView

urlpatterns = [
    # The platform's front page is the template gallery: pick a template, then sign up.
    path("", RedirectView.as_view(pattern_name="gallery", permanent=False), name="home"),
    path("gallery", gallery, name="gallery"),
    path("signup", signup, name="signup-page"),
    path("login", login_page, name="login-page"),
    path("logout", logout_page, name="logout-page"),
    # 忘记密码 Forgot password: Django's reset views, platform host only.
    path("password-reset", RequestResetView.as_view(), name="password-reset"),
    path("password-reset/sent", ResetSentView.as_view(), name="password-reset-sent"),
    path("password-reset/done", ResetDoneView.as_view(), name="password-reset-done"),
    path("password-reset/<uidb64>/<token>", SetNewPasswordView.as_view(), name="password-reset-confirm"),
    path("shops", my_shops, name="my-shops"),
    path("shops/<int:shop_id>/admin", open_back_office, name="open-back-office"),
]
