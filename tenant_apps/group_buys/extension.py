"""The group buy's checkout extension (tenant_apps/checkout/extensions.py): `activity: {type: "group_buy", id,
group_id?, group_size?}` prices the lines at the group price (the leader's less the leader discount), holds the
order's shipping until the group forms, and takes activity stock and the member's quota in the order's
transaction. The seat itself is taken when the order is paid (handlers.py)."""

from django.utils.translation import gettext as _

from micromall.errors import Conflict, Invalid
from tenant_apps.checkout.interface import Contribution

from . import rules, selectors, services
from .models import GroupStatus

TYPE = "group_buy"


class GroupBuyExtension:
    name = "group_buys"

    def contribute(self, request):
        ref = request.activity
        if ref is None or ref.type != TYPE:
            return None
        activity = selectors.activity(ref.id)
        if activity is None or not rules.takes_part(activity, joining=ref.group_id is not None, now=request.now):
            raise Invalid(errors={"activity.id": [_("This group buy is not running.")]})
        items = {item.sku_id: item for item in activity.items.all()}
        errors = {}
        for index, (sku_id, _quantity) in enumerate(request.items):
            if sku_id not in items:
                errors[f"items.{index}.sku_id"] = [_("This item is not part of the group buy.")]
        if errors:
            raise Invalid(errors=errors)
        quantity = sum(q for _sku, q in request.items)
        if activity.per_order_limit and quantity > activity.per_order_limit:
            raise Conflict(
                _("At most %(limit)s units per order in this group buy.") % {"limit": activity.per_order_limit},
                limit=activity.per_order_limit,
            )
        for sku_id, count in request.items:
            if count > items[sku_id].remaining:
                raise Conflict(_("The group buy has sold out of this item."), sku_id=sku_id)
        leader = ref.group_id is None
        config = None
        if leader:
            size = ref.group_size or activity.group_size
            prices = {}
            for sku_id, _q in request.items:
                item = items[sku_id]
                price = rules.ladder_price(activity.group_size, item.price_amount, item.ladder, size)
                if price is None:
                    raise Invalid(errors={"activity.group_size": [_("This group size is not offered.")]})
                prices[sku_id] = price
            config = snapshot(activity, size, prices)
            unit_prices = {
                sku_id: rules.leader_price(price, activity.leader_discount_amount) for sku_id, price in prices.items()
            }
        else:
            group = selectors.group(ref.group_id)
            if group is None or group.activity_id != activity.pk:
                raise Invalid(errors={"activity.group_id": [_("No such group in this group buy.")]})
            if selectors.group_status(group, request.now) != GroupStatus.FORMING or group.joined >= group.size:
                raise Conflict(_("This group is no longer open; start a new one."), group_id=group.pk)
            if request.member_id is not None and selectors.is_seated(group.pk, request.member_id):
                raise Conflict(_("You are already in this group."), group_id=group.pk)
            size = group.size
            snapshot_prices = {int(k): v for k, v in (group.config.get("prices") or {}).items()}
            prices = {}
            for sku_id, _q in request.items:
                item = items[sku_id]
                price = snapshot_prices.get(sku_id) or rules.ladder_price(
                    activity.group_size, item.price_amount, item.ladder, size
                )
                if price is None:
                    raise Invalid(errors={"activity.group_size": [_("This group size is not offered.")]})
                prices[sku_id] = price
            config = {
                **group.config,
                "prices": {**group.config.get("prices", {}), **{str(k): v for k, v in prices.items()}},
            }
            unit_prices = prices
        limit = activity.per_member_limit
        if (
            limit
            and request.member_id is not None
            and selectors.member_units(activity.pk, request.member_id) + quantity > limit
        ):
            raise Conflict(_("You can buy at most %(limit)s units in this group buy.") % {"limit": limit}, limit=limit)
        return Contribution(
            activity_prices=unit_prices,
            handles=frozenset({"activity"}),
            hold_shipping=True,
            data={"activity_id": activity.pk, "group_id": ref.group_id, "group_size": size, "config": config},
        )

    def on_place(self, *, order, quote, request, contribution):
        services.take_part(order=order, member_id=order.member_id, offer=dict(contribution.data), now=request.now)


def snapshot(activity, size: int, prices: dict[int, int]) -> dict:
    """The activity's rules a group keeps for life (PROMOTIONS.md: snapshot the config into each participation)."""
    return {
        "title": activity.title,
        "group_size": size,
        "hours_to_form": activity.hours_to_form,
        "leader_discount_amount": activity.leader_discount_amount,
        "autofill_percent": activity.autofill_percent,
        "prices": {str(sku_id): price for sku_id, price in prices.items()},
    }
