"""What other public apps may use of platform accounts (import-linter contract in pyproject.toml)."""

from .models import User
from .services import create_user, issue_token, revoke_all_tokens, sign_in

__all__ = ["User", "create_user", "issue_token", "revoke_all_tokens", "sign_in"]
