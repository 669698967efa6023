import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "micromall.settings")
application = get_asgi_application()

from micromall.startup_checks import refuse_unsafe_secret_key  # noqa: E402 - needs the settings loaded above

refuse_unsafe_secret_key()
