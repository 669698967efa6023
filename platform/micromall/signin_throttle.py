"""Sign-in throttles for the back office (`/admin/login/` on the platform host and every shop host).

Two budgets, both in Redis through DRF's throttles: per client, the `signin` budget that `/login` and
`POST /api/v1/auth/token` already spend (THROTTLE_SIGNIN), so switching forms buys no extra guesses; and per
account (THROTTLE_SIGNIN_ACCOUNT), so many addresses guessing one account's password are stopped too.
"""

import hashlib

from rest_framework.settings import api_settings

from micromall.api.throttling import ScopedRateThrottle


class _Scope:
    """What ScopedRateThrottle reads from a view."""

    def __init__(self, scope: str):
        self.throttle_scope = scope


class AccountSigninThrottle(ScopedRateThrottle):
    """Keyed by the account named in the form, whoever sends it (the address is hashed: no emails in Redis)."""

    def __init__(self, account: str):
        super().__init__()
        self.account = account

    def get_rate(self):
        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)

    def get_cache_key(self, request, view):
        ident = hashlib.sha256(self.account.encode()).hexdigest()
        return self.cache_format % {"scope": self.scope, "ident": ident}


def signin_wait(request, account: str) -> int | None:
    """None when this attempt may proceed (and is counted); else seconds until the next one is allowed."""
    per_client = ScopedRateThrottle()
    if not per_client.allow_request(request, _Scope("signin")):
        return _seconds(per_client.wait())
    account = account.strip().lower()
    if account:
        per_account = AccountSigninThrottle(account)
        if not per_account.allow_request(request, _Scope("signin_account")):
            return _seconds(per_account.wait())
    return None


def _seconds(wait: float | None) -> int:
    return max(1, int(wait or 0) + 1)
