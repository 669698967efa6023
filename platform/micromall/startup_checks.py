"""Checks a serving process (web or Celery) runs before it accepts work: unsafe configurations refuse to start."""

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

UNSAFE_SECRET_KEY = (
    "SECRET_KEY is empty or is the development key from the repository, and DEBUG is off: anyone could sign "
    "sessions and back-office login links. Set SECRET_KEY to a long random value, e.g. "
    "`python -c 'import secrets; print(secrets.token_urlsafe(50))'` (DEBUG=1 is for local development only)."
)


def refuse_unsafe_secret_key() -> None:
    if settings.DEBUG:
        return
    key = (settings.SECRET_KEY or "").strip()
    if not key or key == getattr(settings, "DEV_SECRET_KEY", None):
        raise ImproperlyConfigured(UNSAFE_SECRET_KEY)
