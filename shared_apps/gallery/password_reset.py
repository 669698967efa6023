"""Platform-host "forgot password" pages: Django's password-reset views with our look, language and rules.

The email's link is built from settings (ROOT_DOMAIN / SITE_SCHEME / SITE_PORT), never from the request's
Host header: a forged Host must not turn the reset link into one that leaks the token to another site.
Requests are throttled per client like sign-in, and the "sent" page is the same whether or not the address
has an account, so the form cannot be used to find out who is a merchant.
"""

from django import forms
from django.conf import settings
from django.contrib.auth import password_validation
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import PasswordResetForm, SetPasswordForm
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import translation

from micromall.api.throttling import page_throttle_wait
from shared_apps.accounts.interface import revoke_all_tokens
from shared_apps.tenancy.selectors import absolute_url

REQUIRED = "请填写此项。This field is required."
BAD_EMAIL = "请输入有效的邮箱地址。Enter a valid email address."
MISMATCH = "两次输入的密码不一致。The two passwords didn't match."
TOO_MANY = "找回密码的请求过于频繁，请稍后再试。Too many password reset requests; try again later."


class ResetRequestForm(PasswordResetForm):
    email = forms.EmailField(max_length=254, error_messages={"required": REQUIRED, "invalid": BAD_EMAIL})


class NewPasswordForm(SetPasswordForm):
    error_messages = {"password_mismatch": MISMATCH}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.error_messages["required"] = REQUIRED

    def validate_password_for_user(self, user, password_field_name="password2"):
        # Validators speak the active language only; the merchant pages speak both.
        password = self.cleaned_data.get(password_field_name)
        if not password:
            return
        messages = {}
        for language in ("zh-hans", "en"):
            with translation.override(language):
                try:
                    password_validation.validate_password(password, user)
                    return
                except ValidationError as error:
                    messages[language] = error.messages
        bilingual = [f"{zh} {en}" for zh, en in zip(messages["zh-hans"], messages["en"], strict=True)]
        self.add_error(password_field_name, ValidationError(bilingual))


class RequestResetView(auth_views.PasswordResetView):
    template_name = "gallery/password_reset_form.html"
    form_class = ResetRequestForm
    email_template_name = "gallery/password_reset_email.txt"
    subject_template_name = "gallery/password_reset_subject.txt"
    success_url = "/password-reset/sent"

    def post(self, request, *args, **kwargs):
        wait = page_throttle_wait(request, "password_reset")
        if wait is not None:
            context = self.get_context_data(form=self.get_form(), errors=[TOO_MANY])
            return self.render_to_response(context, status=429, headers={"Retry-After": str(wait)})
        return super().post(request, *args, **kwargs)

    def form_invalid(self, form):
        return self.render_to_response(self.get_context_data(form=form), status=400)

    def form_valid(self, form):
        # Read per request (settings may change in tests and between deploys), never from the Host header.
        self.domain_override = settings.ROOT_DOMAIN
        self.extra_email_context = {"platform_url": absolute_url(settings.ROOT_DOMAIN, "")}
        return super().form_valid(form)


class ResetSentView(auth_views.PasswordResetDoneView):
    template_name = "gallery/password_reset_sent.html"


class SetNewPasswordView(auth_views.PasswordResetConfirmView):
    template_name = "gallery/password_reset_confirm.html"
    form_class = NewPasswordForm
    success_url = "/password-reset/done"

    def form_valid(self, form):
        # Whoever reset the password may be locking out a thief: their API tokens stop working too.
        with transaction.atomic():
            response = super().form_valid(form)
            revoke_all_tokens(user=form.user)
        return response

    def form_invalid(self, form):
        return self.render_to_response(self.get_context_data(form=form), status=400)

    def render_to_response(self, context, **kwargs):
        if not context.get("validlink"):
            kwargs.setdefault("status", 400)
        return super().render_to_response(context, **kwargs)


class ResetDoneView(auth_views.PasswordResetCompleteView):
    template_name = "gallery/password_reset_done.html"
