"""The bargain's checkout extension (tenant_apps/checkout/extensions.py).

`activity: {type: "bargain", id: <activity id>, group_id: <session id>}` — a bargain session travels in
ActivityRef.group_id. The one line (the activity's SKU, one unit) is priced at the session's current price, the
same number the share page shows; on_place re-reads it under the session's row lock and refuses (409) if a help
changed it in between, takes one unit of activity stock with a guarded UPDATE and ties the order to the session
(one order per session)."""

from django.utils.translation import gettext as _

from micromall.errors import Conflict, Invalid
from tenant_apps.checkout.interface import Contribution
from tenant_apps.marketing.interface import is_live

from . import selectors, services
from .models import SessionStatus

TYPE = "bargain"


class BargainExtension:
    name = "bargains"

    def contribute(self, request):
        ref = request.activity
        if ref is None or ref.type != TYPE:
            return None
        activity = selectors.activity(ref.id)
        if activity is None or not is_live(activity.status, activity.starts_at, activity.ends_at, request.now):
            raise Invalid(errors={"activity.id": [_("This bargain is not running.")]})
        session = selectors.session(ref.group_id) if ref.group_id else None
        if session is None or session.activity_id != activity.pk or session.member_id != request.member_id:
            raise Invalid(errors={"activity.group_id": [_("Give the id of your bargain in this activity.")]})
        errors = {}
        for index, (sku_id, quantity) in enumerate(request.items):
            if sku_id != activity.sku_id:
                errors[f"items.{index}.sku_id"] = [_("This item is not part of the bargain.")]
            elif quantity != 1:
                errors[f"items.{index}.quantity"] = [_("A bargain buys one unit.")]
        if len(request.items) != 1 and not errors:
            errors["items"] = [_("A bargain order has one line.")]
        if errors:
            raise Invalid(errors=errors)
        status = selectors.session_status(session, request.now)
        if session.order_id is not None or status == SessionStatus.ORDERED:
            raise Conflict(_("This bargain has already been ordered."), session_id=session.pk)
        if not selectors.can_buy(session, request.now):
            raise Conflict(_("This bargain cannot be bought now."), session_id=session.pk, status=status)
        if activity.remaining <= 0:
            raise Conflict(_("This bargain is sold out."), sku_id=activity.sku_id)
        return Contribution(
            activity_prices={activity.sku_id: session.current_price_amount},
            handles=frozenset({"activity"}),
            data={"activity_id": activity.pk, "session_id": session.pk, "price_amount": session.current_price_amount},
        )

    def on_place(self, *, order, quote, request, contribution):
        services.take_order(order=order, member_id=order.member_id, offer=dict(contribution.data), now=request.now)
