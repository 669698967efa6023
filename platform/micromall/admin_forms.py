"""Domain errors in the back office: the one mapping from micromall.errors to form errors and admin messages.

The API maps the same errors to HTTP (micromall.api.errors). An admin that writes through services mixes in
ServiceErrorsAdmin: a refusal raised by a service while saving rolls the whole save back (Django wraps the
change form in a transaction) and the form is shown again with the service's messages on its fields.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.http import HttpResponseRedirect

from micromall.errors import ApplicationError

NON_FIELD = ("detail", "__all__", "non_field_errors")


def error_text(exc: ApplicationError) -> str:
    """One line for a message banner: `field: message` pairs, or the message alone."""
    parts = [exc.message] if exc.message else []
    parts += [
        f"{field}: {' '.join(msgs)}" if field not in NON_FIELD else " ".join(msgs) for field, msgs in exc.errors.items()
    ]
    return "; ".join(parts) or exc.__class__.__name__


def form_error(exc: ApplicationError) -> forms.ValidationError:
    """For a form's clean(): every message of `exc` as one Django ValidationError."""
    return forms.ValidationError(error_text(exc))


def add_errors(form: forms.BaseForm, exc: ApplicationError, field_map: dict[str, str] | None = None) -> None:
    """Put `exc`'s messages on the form fields they name (`field_map` renames service fields), the rest on top."""
    field_map = field_map or {}
    if exc.message:
        form.add_error(None, exc.message)
    for field, msgs in exc.errors.items():
        head = field.split(".", 1)[0]
        target = field_map.get(field) or field_map.get(head) or field
        if target in form.fields and target not in NON_FIELD:
            # `specs.1.name` on the `specs_text` field keeps its path so the merchant sees which line.
            form.add_error(target, list(msgs) if "." not in field else [f"{field}: {m}" for m in msgs])
        else:
            form.add_error(None, list(msgs) if field in NON_FIELD else [f"{field}: {m}" for m in msgs])


class ServiceErrorsAdmin:
    """ModelAdmin mixin: refusals from services called in save_model/save_related/delete_model become form
    errors (change form) or an error message (delete, actions) instead of a 500."""

    service_error_fields: dict[str, str] = {}  # service field name -> form field name

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except ApplicationError as exc:
            if request.method != "POST" or getattr(request, "_service_error", None) is not None:
                raise
            # Render the same POST again: the form now fails validation with the service's messages.
            request._service_error = exc
            return super().changeform_view(request, object_id, form_url, extra_context)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form_class = super().get_form(request, obj, change=change, **kwargs)
        exc = getattr(request, "_service_error", None)
        if exc is None:
            return form_class
        field_map = self.service_error_fields

        class RefusedForm(form_class):
            def clean(self):
                data = super().clean()
                add_errors(self, exc, field_map)
                return data

        return RefusedForm

    def delete_view(self, request, object_id, extra_context=None):
        try:
            return super().delete_view(request, object_id, extra_context)
        except ApplicationError as exc:
            self.message_user(request, error_text(exc), messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())

    def call_service(self, request, fn, *args, label: str = "", **kwargs):
        """Run one service call from an action; a refusal becomes an error message. Returns None when refused."""
        try:
            return fn(*args, **kwargs)
        except ApplicationError as exc:
            self.message_user(request, f"{label}: {error_text(exc)}" if label else error_text(exc), messages.ERROR)
            return None
