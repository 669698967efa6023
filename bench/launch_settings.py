"""Settings of bench/launch.py: the product settings on a database of its own, DEBUG off.

BENCH_HASHER=owasp swaps Django's default Argon2 parameters (100 MiB, 2 passes, 8 lanes) for OWASP's
minimum recommendation (Argon2id, 19 MiB, 2 passes, 1 lane) to show what account creation costs apart
from provisioning; the default run uses the product's hasher unchanged.
"""

import os

from micromall.settings import *  # noqa: F403
from micromall.settings import CACHES, DATABASES, PASSWORD_HASHERS

DEBUG = False
DATABASES["default"]["NAME"] = os.environ.get("BENCH_DATABASE_NAME", "mm_bench_launch")
DATABASES["default"]["TEST"] = {"NAME": None}
CACHES["default"]["KEY_PREFIX"] = "bench-launch"
if os.environ.get("BENCH_HASHER") == "owasp":
    PASSWORD_HASHERS = ["bench.launch.OwaspArgon2PasswordHasher", *PASSWORD_HASHERS]
