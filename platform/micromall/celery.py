"""The Celery app. tenant-schemas-celery stamps each task with the schema it was sent from."""

import os

from tenant_schemas_celery.app import CeleryApp

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "micromall.settings")

app = CeleryApp("micromall")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
app.conf.include = ["micromall.diagnostics"]
