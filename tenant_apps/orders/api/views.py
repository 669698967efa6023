"""Order API: HTTP <-> one service or selector call. Store endpoints need a member token (own orders only);
merchant endpoints a platform token with a role on this shop."""

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import APIView

from micromall.api.pagination import PageNumberPagination, page_of
from shared_apps.tenancy.interface import HasShopRole, MembershipRole
from tenant_apps.members.interface import IsMember, MemberTokenAuthentication

from .. import selectors, services
from . import serializers as s

STORE_TAGS = ["store: orders"]
MANAGE_TAGS = ["manage: orders"]
PAGE_PARAMS = [OpenApiParameter("page", int), OpenApiParameter("page_size", int, description="at most 100")]
STATUS_PARAM = OpenApiParameter(
    "status", str, description="A status, a tab (unpaid, to_ship, to_receive, completed) or a comma list."
)


class MemberView(APIView):
    authentication_classes = [MemberTokenAuthentication]
    permission_classes = [IsMember]


def order_body(order) -> dict:
    return s.order_data(order)


class StoreOrderListView(MemberView):
    @extend_schema(tags=STORE_TAGS, parameters=[STATUS_PARAM, *PAGE_PARAMS], responses=page_of(s.OrderSerializer))
    def get(self, request):
        orders = selectors.member_orders(member=request.user, status=request.query_params.get("status"))
        paginator = PageNumberPagination()
        page = paginator.paginate_queryset(orders, request, view=self)
        return paginator.get_paginated_response([s.order_data(order) for order in page])

    @extend_schema(tags=STORE_TAGS, request=s.OrderCreateInput, responses={201: s.OrderSerializer})
    def post(self, request):
        data = s.OrderCreateInput(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        order = services.place_order(
            member=request.user,
            items=[(item["sku_id"], item["quantity"]) for item in values["items"]],
            address_id=values["address_id"],
            note=values.get("note", ""),
            coupon_code=values.get("coupon_code"),
            points=values.get("points"),
        )
        return Response(order_body(order), status=status.HTTP_201_CREATED)


class StoreOrderDetailView(MemberView):
    @extend_schema(tags=STORE_TAGS, responses=s.OrderSerializer)
    def get(self, request, order_id: int):
        return Response(order_body(selectors.member_order(member=request.user, order_id=order_id)))


class StoreOrderPayView(MemberView):
    @extend_schema(tags=STORE_TAGS, request=s.PayInput, responses=s.PaidOrderSerializer)
    def post(self, request, order_id: int):
        data = s.PayInput(data=request.data)
        data.is_valid(raise_exception=True)
        result = services.pay_order(
            member=request.user, order_id=order_id, method=data.validated_data["method"], shop=request.shop
        )
        body = order_body(selectors.member_order(member=request.user, order_id=order_id))
        if result.client_secret:
            body["client_secret"] = result.client_secret
        return Response(body)


class StoreOrderCancelView(MemberView):
    @extend_schema(tags=STORE_TAGS, request=None, responses=s.OrderSerializer)
    def post(self, request, order_id: int):
        services.cancel_order(order_id=order_id, member=request.user, reason="shopper")
        return Response(order_body(selectors.member_order(member=request.user, order_id=order_id)))


class StoreOrderConfirmReceiptView(MemberView):
    @extend_schema(tags=STORE_TAGS, request=None, responses=s.OrderSerializer)
    def post(self, request, order_id: int):
        services.confirm_receipt(order_id=order_id, member=request.user)
        return Response(order_body(selectors.member_order(member=request.user, order_id=order_id)))


class ManageView(APIView):
    """Every shop role reads orders (finance included)."""

    permission_classes = [HasShopRole]
    shop_roles = set(MembershipRole.values)


class ManageOrderListView(ManageView):
    @extend_schema(
        tags=MANAGE_TAGS,
        parameters=[
            STATUS_PARAM,
            OpenApiParameter("q", str, description="Order number (or its start) or phone."),
            *PAGE_PARAMS,
        ],
        responses=page_of(s.ManageOrderSerializer),
    )
    def get(self, request):
        orders = selectors.manage_orders(status=request.query_params.get("status"), q=request.query_params.get("q"))
        paginator = PageNumberPagination()
        page = paginator.paginate_queryset(orders, request, view=self)
        return paginator.get_paginated_response(s.ManageOrderSerializer(page, many=True).data)


class ManageOrderDetailView(ManageView):
    @extend_schema(tags=MANAGE_TAGS, responses=s.ManageOrderDetailSerializer)
    def get(self, request, order_id: int):
        return Response(s.ManageOrderDetailSerializer(selectors.manage_order(order_id=order_id)).data)
