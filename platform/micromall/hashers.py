"""Password hashing: Argon2id with OWASP's recommended parameters.

Django's default Argon2 parameters (100 MiB, 2 passes, 8 lanes) cost 220-300 ms per hash on a 2-core
server, more than the whole signup budget, and 8 lanes buy nothing on 2 cores. OWASP's Password Storage
Cheat Sheet recommends Argon2id with 19 MiB, 2 passes, 1 lane as the baseline. Hashes made with other
parameters still verify and are re-hashed with these at the next sign-in.
"""

from django.contrib.auth.hashers import Argon2PasswordHasher


class Argon2idPasswordHasher(Argon2PasswordHasher):
    algorithm = "argon2"
    time_cost = 2
    memory_cost = 19 * 1024  # KiB
    parallelism = 1
