"""What other shop apps may use of bargains (nothing yet: the app listens to order events and plugs into checkout
as an extension). The storefront links to /bargains/<id> and /bargain-sessions/<id>."""

from .selectors import activity, session, session_status

__all__ = ["activity", "session", "session_status"]
