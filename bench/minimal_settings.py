"""The plain reference of the benchmarks: a minimal Django project, no middleware, no apps, no database.

Served by the same gunicorn config (deploy/gunicorn.conf.py loads micromall.wsgi, which only reads
DJANGO_SETTINGS_MODULE), so a ratio against it prices everything the product adds to a bare Django view.
"""

SECRET_KEY = "bench-minimal-not-secret"
DEBUG = False
ALLOWED_HOSTS = ["*"]
ROOT_URLCONF = "bench.minimal_urls"
INSTALLED_APPS: list[str] = []
MIDDLEWARE: list[str] = []
DATABASES: dict = {}
USE_TZ = True
