"""factory-boy factories for the public schema. Shop-schema factories live beside their app's tests."""

from functools import cache

import factory
from django.contrib.auth.hashers import make_password

from shared_apps.accounts.models import User

PASSWORD = "Correct-Horse-42"


@cache
def password_hash() -> str:
    # Argon2 is deliberately slow: hash the shared test password once per run.
    return make_password(PASSWORD)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User

    email = factory.Sequence(lambda n: f"user{n}@example.com")
    name = factory.Faker("name")
    password = factory.LazyFunction(password_hash)
