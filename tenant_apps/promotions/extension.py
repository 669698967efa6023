"""The checkout extension: the rules in force join every quote (steps 3-4); placing records their uses.

contribute() reads the cached snapshot (no query when the shop has no live rule) and, when 满赠 rules are live,
the gift SKUs' stock (one read): a gift that cannot be reserved next to the cart's own quantity of that SKU is
marked unavailable, so the engine gives the next gift. orders reserves the gift lines' stock with the order's
own guarded UPDATEs, so two orders never both take the last gift (a loser gets 409 and can quote again).
"""

from tenant_apps.catalog.interface import skus_for_sale
from tenant_apps.checkout.interface import Contribution

from . import services
from .offers import KIND_LIMITED, KIND_MEMBER, gift_sku_ids, item_offers, live_rules


def unavailable_gifts(promotions, items) -> frozenset[int]:
    wanted = gift_sku_ids(p for p in promotions if p.kind == "threshold_gift")
    if not wanted:
        return frozenset()
    in_cart = dict(items)
    skus = skus_for_sale(wanted)
    return frozenset(
        sku_id for sku_id in wanted if sku_id not in skus or skus[sku_id].stock < 1 + in_cart.get(sku_id, 0)
    )


class PromotionsExtension:
    name = "promotions"

    def contribute(self, request):
        rules = live_rules(request.now)
        if not rules:
            return None
        promotions = [promotion for _row, promotion in rules]
        unavailable = unavailable_gifts(promotions, request.items)
        if unavailable:
            promotions = [
                p.__class__(**{**p.__dict__, "unavailable_gift_sku_ids": unavailable})
                if p.kind == "threshold_gift"
                else p
                for p in promotions
            ]
        return Contribution(
            promotions=tuple(promotions), data={"rules": {promotion.code: row for (row, promotion) in rules}}
        )

    def on_place(self, *, order, quote, request, contribution):
        rows = contribution.data.get("rules", {})
        uses = [
            {
                "code": applied.code,
                "name": applied.name[:100],
                "amount": applied.amount,
                "snapshot": snapshot_of(rows[applied.code], applied, quote),
            }
            for applied in quote.applied
            if applied.code in rows
        ]
        uses += offer_uses(quote, request)
        if uses:
            services.record_uses(order_id=order.order_id, member_id=order.member_id, uses=uses)


def snapshot_of(row: dict, applied, quote) -> dict:
    """The rule as it was when the order was placed (later edits never change what this order got)."""
    return {
        "kind": row["kind"],
        "title": row["title"],
        "tiers": row["tiers"],
        "repeat": row["repeat"],
        "cap_amount": row["cap_amount"],
        "scope": row["scope"],
        "group_id": row["group_id"],
        "lines": [{"sku_id": line.sku_id, "amount": line.amount} for line in applied.lines],
        "gifts": [gift.sku_id for gift in quote.gifts if gift.code == applied.code],
    }


def offer_uses(quote, request) -> list[dict]:
    """Uses of the limited-time discounts and member prices that set a line's unit price."""
    lines = [line for line in quote.lines if line.price_source in (KIND_LIMITED, KIND_MEMBER)]
    if not lines:
        return []
    offers = item_offers(sku_ids=[line.sku_id for line in lines], now=request.now, member_id=request.member_id)
    uses: dict[str, dict] = {}
    for line in lines:
        offer = next(
            (o for o in offers if o.sku_id == line.sku_id and o.unit_price_amount == line.unit_price_amount), None
        )
        code = offer.code if offer else line.price_source
        use = uses.setdefault(code, {"code": code, "name": line.price_source, "amount": 0, "snapshot": {"lines": []}})
        saved = (line.list_price_amount - line.unit_price_amount) * line.quantity
        use["amount"] += saved
        use["snapshot"]["lines"].append(
            {
                "sku_id": line.sku_id,
                "list_price_amount": line.list_price_amount,
                "unit_price_amount": line.unit_price_amount,
            }
        )
    return list(uses.values())
