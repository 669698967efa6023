"""Domain errors: what services raise. The API maps them to HTTP once (micromall.api.errors), the back office
to form errors (micromall.admin_errors). A services module never imports rest_framework, so Celery tasks,
admin actions and webhooks call the same functions and get the same refusals."""

from __future__ import annotations

from collections.abc import Iterable, Mapping


class ApplicationError(Exception):
    """Base of every refusal a service can give. `message` is for people (already translated)."""

    status = 400

    def __init__(self, message: str = "", *, errors: Mapping[str, Iterable[str] | str] | None = None, **extra):
        self.message = str(message)
        self.errors: dict[str, list[str]] = {
            str(field): [str(m) for m in ([msgs] if isinstance(msgs, str) else msgs)]
            for field, msgs in (errors or {}).items()
        }
        self.extra = extra  # additional response fields, e.g. {"sku_id": 7} on a stock conflict
        super().__init__(self.message or "; ".join(f"{k}: {' '.join(v)}" for k, v in self.errors.items()))


class Invalid(ApplicationError):
    """Bad input: 400 with field messages (`errors`) or a non-field message."""

    status = 400


class NotFound(ApplicationError):
    """The thing does not exist in this shop (also: another shop's id)."""

    status = 404


class PermissionDenied(ApplicationError):
    status = 403


class Conflict(ApplicationError):
    """The request clashes with the current state: stock, an illegal state transition, a duplicate."""

    status = 409
