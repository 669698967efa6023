"""Signup: a platform account, its first shop (launched from a template) and an API token, all or nothing."""

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from billing.interface import start_trial
from micromall.errors import Invalid
from shared_apps.accounts.interface import issue_token

from .models import Shop
from .services import provision_shop


class EmailTaken(Invalid):
    def __init__(self, email: str):
        super().__init__(errors={"email": [_("This email is already registered.")]})
        self.email = email


@dataclass(frozen=True)
class SignupResult:
    user: object
    shop: Shop
    token: str


def sign_up(*, email: str, password: str, shop_name: str, subdomain: str, template: str) -> SignupResult:
    """Create the owner, the shop and a token in one transaction. Raises EmailTaken or SubdomainTaken."""
    user_model = get_user_model()
    # Argon2 is deliberately slow: hash before the transaction so row locks are held for less time.
    password_hash = make_password(password)
    with transaction.atomic():
        try:
            with transaction.atomic():
                user = user_model.objects.create(
                    email=user_model.objects.normalize_email(email).lower(), password=password_hash
                )
        except IntegrityError as exc:
            raise EmailTaken(email) from exc
        shop = provision_shop(name=shop_name, subdomain=subdomain, owner=user, template=template)
        start_trial(shop=shop)  # billing: every new shop starts on the default plan's trial
        token = issue_token(user=user)
    return SignupResult(user=user, shop=shop, token=token)
