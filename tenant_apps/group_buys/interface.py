"""What other shop apps may use of group buys (nothing yet: the app listens to order events and plugs into
checkout as an extension). The storefront links to /group-buys/<id> and /groups/<id>."""

from .selectors import activity, group, group_status

__all__ = ["activity", "group", "group_status"]
