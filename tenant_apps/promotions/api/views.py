"""Promotions API: HTTP <-> one service or selector call. Merchant endpoints need marketing.manage to write
(shop.view to read); the store's cart progress is open to guests (member prices with a member token)."""

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from micromall.errors import Conflict, NotFound
from shared_apps.tenancy.interface import HasShopPermission, Permission
from tenant_apps.members.interface import MemberTokenAuthentication

from .. import selectors, services
from ..offers import as_promotion, rule_labels
from . import serializers as s

TAGS = ["manage: promotions"]
STORE_TAGS = ["store: promotions"]
ERROR = OpenApiResponse(description='{"errors": {field: [messages]}} or {"detail": "..."}')


class ManageView(APIView):
    permission_classes = [HasShopPermission]
    shop_permission = Permission.MARKETING_MANAGE


def body(request) -> dict:
    if not isinstance(request.data, dict):
        raise ValidationError({"detail": [_("The body must be a JSON object.")]})
    return request.data


def rule_body(rule) -> dict:
    return {
        "id": rule.pk,
        "code": rule.code,
        "name": rule.title,
        "kind": rule.kind,
        "tiers": rule.tiers,
        "repeat": rule.repeat,
        "cap_amount": rule.cap_amount,
        "starts_at": rule.starts_at,
        "ends_at": rule.ends_at,
        "scope": {key: rule.scope.get(key, []) for key in services.SCOPE_KEYS},
        "group_id": rule.group_id,
        "status": selectors.status_of(rule),
        "labels": rule_labels(as_promotion({**rule_row(rule)}, {})),
    }


def rule_row(rule) -> dict:
    return {
        "id": rule.pk, "title": rule.title, "kind": rule.kind, "tiers": rule.tiers, "repeat": rule.repeat,
        "cap_amount": rule.cap_amount, "scope": rule.scope, "group_id": rule.group_id,
    }  # fmt: skip


def rule_or_404(rule_id: int):
    rule = selectors.rule(rule_id)
    if rule is None:
        raise NotFound(_("No such promotion."))
    return rule


class RulesView(ManageView):
    @extend_schema(tags=TAGS, operation_id="manage_promotions_list", responses=s.RuleSerializer(many=True))
    def get(self, request):
        return Response([rule_body(rule) for rule in selectors.rules()[:500]])

    @extend_schema(tags=TAGS, request=s.RuleInput, responses={201: s.RuleSerializer, 400: ERROR})
    def post(self, request):
        data = s.RuleInput(data=body(request))
        data.is_valid(raise_exception=True)
        rule = services.create_rule(**data.validated_data)
        return Response(rule_body(rule), status=status.HTTP_201_CREATED)


class RuleView(ManageView):
    @extend_schema(tags=TAGS, responses={200: s.RuleSerializer, 404: ERROR})
    def get(self, request, rule_id: int):
        return Response(rule_body(rule_or_404(rule_id)))

    @extend_schema(tags=TAGS, request=s.RulePatch, responses={200: s.RuleSerializer, 400: ERROR, 409: ERROR})
    def patch(self, request, rule_id: int):
        data = s.RulePatch(data=body(request))
        data.is_valid(raise_exception=True)
        changes = {k: v for k, v in data.validated_data.items() if k != "publish"}
        rule = services.update_rule(rule_id=rule_id, **changes)
        return Response(rule_body(rule))

    @extend_schema(tags=TAGS, responses={204: None, 409: ERROR})
    def delete(self, request, rule_id: int):
        services.delete_rule(rule_id=rule_id)
        return Response(status=status.HTTP_204_NO_CONTENT)


class RuleStatusView(ManageView):
    @extend_schema(tags=TAGS, request=s.StatusInput, responses={200: s.RuleSerializer, 409: ERROR})
    def post(self, request, rule_id: int):
        data = s.StatusInput(data=body(request))
        data.is_valid(raise_exception=True)
        rule = services.change_rule_status(rule_id=rule_id, action=data.validated_data["action"])
        return Response(rule_body(rule))


def group_body(group) -> dict:
    return {"id": group.pk, "name": group.name, "excludes": sorted(other.pk for other in group.excludes.all())}


class GroupsView(ManageView):
    @extend_schema(tags=TAGS, operation_id="manage_promotion_groups_list", responses=s.GroupSerializer(many=True))
    def get(self, request):
        return Response([group_body(group) for group in selectors.groups()])

    @extend_schema(tags=TAGS, request=s.GroupInput, responses={201: s.GroupSerializer, 400: ERROR})
    def post(self, request):
        data = s.GroupInput(data=body(request))
        data.is_valid(raise_exception=True)
        group = services.create_group(**data.validated_data)
        return Response(group_body(selectors.group(group.pk)), status=status.HTTP_201_CREATED)


class GroupView(ManageView):
    @extend_schema(tags=TAGS, request=s.GroupInput, responses={200: s.GroupSerializer, 400: ERROR})
    def put(self, request, group_id: int):
        data = s.GroupInput(data=body(request))
        data.is_valid(raise_exception=True)
        services.update_group(group_id=group_id, **data.validated_data)
        return Response(group_body(selectors.group(group_id)))

    @extend_schema(tags=TAGS, responses={204: None, 409: ERROR})
    def delete(self, request, group_id: int):
        services.delete_group(group_id=group_id)
        return Response(status=status.HTTP_204_NO_CONTENT)


def discount_body(discount) -> dict:
    return {
        "id": discount.pk,
        "code": discount.code,
        "title": discount.title,
        "starts_at": discount.starts_at,
        "ends_at": discount.ends_at,
        "status": selectors.status_of(discount),
        "items": [
            {"sku_id": item.sku_id, "product_id": item.product_id, "price_amount": item.price_amount}
            for item in discount.items.all()
        ],
    }


def discount_or_404(discount_id: int):
    discount = selectors.limited_discount(discount_id)
    if discount is None:
        raise NotFound(_("No such limited-time discount."))
    return discount


class DiscountsView(ManageView):
    @extend_schema(
        tags=TAGS, operation_id="manage_limited_discounts_list", responses=s.LimitedDiscountSerializer(many=True)
    )
    def get(self, request):
        return Response([discount_body(d) for d in selectors.limited_discounts()[:500]])

    @extend_schema(tags=TAGS, request=s.LimitedDiscountInput, responses={201: s.LimitedDiscountSerializer, 400: ERROR})
    def post(self, request):
        data = s.LimitedDiscountInput(data=body(request))
        data.is_valid(raise_exception=True)
        discount = services.create_limited_discount(**data.validated_data)
        return Response(discount_body(discount_or_404(discount.pk)), status=status.HTTP_201_CREATED)


class DiscountView(ManageView):
    @extend_schema(tags=TAGS, responses={200: s.LimitedDiscountSerializer, 404: ERROR})
    def get(self, request, discount_id: int):
        return Response(discount_body(discount_or_404(discount_id)))

    @extend_schema(
        tags=TAGS, request=s.LimitedDiscountPatch, responses={200: s.LimitedDiscountSerializer, 400: ERROR, 409: ERROR}
    )
    def patch(self, request, discount_id: int):
        data = s.LimitedDiscountPatch(data=body(request))
        data.is_valid(raise_exception=True)
        changes = {k: v for k, v in data.validated_data.items() if k != "publish"}
        services.update_limited_discount(discount_id=discount_id, **changes)
        return Response(discount_body(discount_or_404(discount_id)))

    @extend_schema(tags=TAGS, responses={204: None, 409: ERROR})
    def delete(self, request, discount_id: int):
        services.delete_limited_discount(discount_id=discount_id)
        return Response(status=status.HTTP_204_NO_CONTENT)


class DiscountStatusView(ManageView):
    @extend_schema(tags=TAGS, request=s.StatusInput, responses={200: s.LimitedDiscountSerializer, 409: ERROR})
    def post(self, request, discount_id: int):
        data = s.StatusInput(data=body(request))
        data.is_valid(raise_exception=True)
        services.change_limited_discount_status(discount_id=discount_id, action=data.validated_data["action"])
        return Response(discount_body(discount_or_404(discount_id)))


def member_price_body(row) -> dict:
    return {"sku_id": row.sku_id, "product_id": row.product_id, "price_amount": row.price_amount}


class MemberPricesView(ManageView):
    @extend_schema(tags=TAGS, operation_id="manage_member_prices_list", responses=s.MemberPriceSerializer(many=True))
    def get(self, request):
        return Response([member_price_body(row) for row in selectors.member_prices()[:2000]])

    @extend_schema(tags=TAGS, request=s.MemberPricesInput, responses={200: s.MemberPriceSerializer(many=True)})
    def put(self, request):
        """Create or change the member prices of the SKUs listed (others are left as they are)."""
        data = s.MemberPricesInput(data=body(request))
        data.is_valid(raise_exception=True)
        rows = services.set_member_prices(items=data.validated_data["items"])
        return Response([member_price_body(row) for row in rows])


class MemberPriceView(ManageView):
    @extend_schema(tags=TAGS, responses={204: None, 404: ERROR})
    def delete(self, request, sku_id: int):
        services.delete_member_price(sku_id=sku_id)
        return Response(status=status.HTTP_204_NO_CONTENT)


def simulation_body(priced) -> dict:
    return {
        "lines": [
            {
                "sku_id": line.sku_id,
                "title": priced.skus[line.sku_id].title,
                "quantity": line.quantity,
                "list_price_amount": line.list_price_amount,
                "unit_price_amount": line.unit_price_amount,
                "price_source": line.price_source,
                "subtotal_amount": line.subtotal_amount,
                "discount_amount": line.discount_amount,
                "total_amount": line.total_amount,
            }
            for line in priced.lines
        ],
        "gifts": [{"sku_id": g.sku_id, "quantity": g.quantity, "code": g.code} for g in priced.gifts],
        "applied": applied_body(priced),
        "subtotal_amount": priced.subtotal_amount,
        "discount_amount": priced.discount_amount,
        "shipping_amount": priced.shipping_amount,
        "total_amount": priced.total_amount,
    }


def applied_body(priced) -> list[dict]:
    return [
        {
            "kind": a.kind,
            "code": a.code,
            "name": a.name,
            "amount": a.amount,
            "lines": [{"sku_id": al.sku_id, "amount": al.amount} for al in a.lines],
        }
        for a in priced.applied
    ]


class SimulateView(ManageView):
    shop_permission = Permission.SHOP_VIEW  # a read: what a cart would pay now

    @extend_schema(tags=TAGS, request=s.SimulateInput, responses={200: s.SimulationSerializer, 400: ERROR})
    def post(self, request):
        data = s.SimulateInput(data=body(request))
        data.is_valid(raise_exception=True)
        priced = selectors.simulate(
            items=[(item["sku_id"], item["quantity"]) for item in data.validated_data["items"]],
            member_id=data.validated_data.get("member_id"),
        )
        return Response(simulation_body(priced))


class CartProgressView(APIView):
    """The cart page's promotion line: rules applied to the selected items and what the next tier still needs."""

    authentication_classes = [MemberTokenAuthentication]
    permission_classes = [AllowAny]

    @extend_schema(tags=STORE_TAGS, request=s.ProgressInput, responses={200: s.ProgressSerializer, 400: ERROR})
    def post(self, request):
        data = s.ProgressInput(data=body(request))
        data.is_valid(raise_exception=True)
        items = [(item["sku_id"], item["quantity"]) for item in data.validated_data["items"]]
        if not items:
            return Response({"applied": [], "hints": [], "discount_amount": 0, "total_amount": 0})
        member = request.user if getattr(request.user, "is_authenticated", False) and request.auth else None
        try:
            priced = selectors.quote(items=items, member=member, check_stock=False)
        except Conflict:
            priced = None
        if priced is None:
            return Response({"applied": [], "hints": [], "discount_amount": 0, "total_amount": 0})
        return Response(
            {
                "applied": applied_body(priced),
                "hints": selectors.cart_progress(priced),
                "discount_amount": priced.discount_amount,
                "total_amount": priced.subtotal_amount - priced.discount_amount,
            }
        )
