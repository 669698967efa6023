"""The project's Celery app plus the test handlers, for the worker processes started by test_worker_crash.py."""

from micromall.celery import app

# Imported by the worker after Django is set up (the handlers module needs the app registry).
app.conf.include = [*app.conf.include, "tests.events.handlers"]

__all__ = ["app"]
