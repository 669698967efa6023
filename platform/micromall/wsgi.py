import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "micromall.settings")
application = get_wsgi_application()

from micromall.startup_checks import refuse_unsafe_secret_key  # noqa: E402 - needs the settings loaded above

refuse_unsafe_secret_key()
