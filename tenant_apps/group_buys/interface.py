"""What other shop apps may use of group buys. The app listens to order events and plugs into checkout as an
extension; it publishes `group.formed {group_id, activity_id, order_ids, formed_at}` when a group forms (the data
centre counts those orders as paid then). The storefront links to /group-buys/<id> and /groups/<id>."""

from datetime import datetime

from .models import GroupStatus, Participation
from .selectors import activity, group, group_status
from .services import GROUP_FORMED


def group_formation(order_ids) -> dict[int, datetime | None]:
    """For the group-buy orders among `order_ids`: when their group formed (None while it has not, or never will).
    Orders that are not group-buy orders are absent from the answer."""
    rows = Participation.objects.filter(order_id__in=list(order_ids)).values_list(
        "order_id", "group__status", "group__formed_at"
    )
    return {order_id: formed_at if status == GroupStatus.FORMED else None for order_id, status, formed_at in rows}


__all__ = ["GROUP_FORMED", "activity", "group", "group_formation", "group_status"]
