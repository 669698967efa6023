"""Settings of bench/launch.py: the product settings on a database of its own, DEBUG off."""

import os

from micromall.settings import *  # noqa: F403
from micromall.settings import CACHES, DATABASES

DEBUG = False
DATABASES["default"]["NAME"] = os.environ.get("BENCH_DATABASE_NAME", "mm_bench_launch")
DATABASES["default"]["TEST"] = {"NAME": None}
CACHES["default"]["KEY_PREFIX"] = "bench-launch"
