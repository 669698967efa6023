"""The Celery app. tenant-schemas-celery stamps each task with the schema it was sent from."""

import os

from celery.signals import beat_init, celeryd_init
from tenant_schemas_celery.app import CeleryApp

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "micromall.settings")

app = CeleryApp("micromall")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
app.conf.include = ["micromall.diagnostics"]


@celeryd_init.connect  # the `celery worker` command (in-process test workers do not send it)
@beat_init.connect
def _refuse_unsafe_configuration(**_kwargs):
    from django.core.exceptions import ImproperlyConfigured

    from micromall.startup_checks import refuse_unsafe_secret_key

    try:
        refuse_unsafe_secret_key()
    except ImproperlyConfigured as exc:
        raise SystemExit(f"micromall: {exc}") from exc  # Celery only logs exceptions raised by signal handlers
