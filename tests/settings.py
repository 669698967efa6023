"""Settings for the test suite: the product's settings, with what parallel workers must not share made per worker.

pytest-xdist runs the suite in several processes (`make test` uses `-n auto`). pytest-django already gives
each worker its own test database (`<name>_gw0`, `_gw1` ...), so shop schemas cannot collide; here each
worker also gets its own cache key prefix (the autouse fixture that empties the cache, throttle buckets and
the host -> shop cache) and its own Celery queue (a worker started by one test process must never run a task
sent by another, whose database it cannot see).
"""

import os

from micromall.settings import *  # noqa: F403
from micromall.settings import CACHES

WORKER = os.environ.get("PYTEST_XDIST_WORKER", "main")

CACHES["default"]["KEY_PREFIX"] = f"{CACHES['default']['KEY_PREFIX']}-{WORKER}"
CELERY_TASK_DEFAULT_QUEUE = f"tests-{CACHES['default']['KEY_PREFIX']}"
# Data centre: events go to the Redis buffer at once (the tests read it right after the request).
ANALYTICS_LOCAL_BUFFER = 0
