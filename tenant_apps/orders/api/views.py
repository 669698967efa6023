"""Order API: HTTP <-> one service or selector call. Store endpoints need a member token (own orders only);
merchant endpoints a platform token with a role on this shop."""

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import APIView

from micromall.api.pagination import PageNumberPagination, page_of
from shared_apps.tenancy.interface import HasShopPermission, Permission
from tenant_apps.members.interface import IsMember, MemberTokenAuthentication

from .. import selectors, services
from ..services.placing import REF_CODE
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


def cookie_ref(request) -> str:
    """The storefront keeps the first share code seen (?ref=CODE) in a first-party `ref` cookie; a malformed one
    is ignored (a stale cookie never blocks a purchase)."""
    raw = request.COOKIES.get("ref", "")
    return raw if REF_CODE.fullmatch(raw) else ""


def order_body(order) -> dict:
    return s.order_data(order)


class StoreOrderListView(MemberView):
    prefetch_shop_snapshots = ("POST",)  # placing prices the order: its snapshots come with the throttle's round trip

    @extend_schema(tags=STORE_TAGS, parameters=[STATUS_PARAM, *PAGE_PARAMS], responses=page_of(s.OrderSerializer))
    def get(self, request):
        orders = selectors.member_orders(member=request.user, status=request.query_params.get("status"))
        paginator = PageNumberPagination()
        page = paginator.paginate_queryset(orders, request, view=self)
        return paginator.get_paginated_response([s.order_data(order) for order in page])

    @extend_schema(tags=STORE_TAGS, request=s.OrderCreateInput, responses={201: s.OrderSerializer})
    def post(self, request):
        values = s.fast_order_input(request.data)
        if values is None:  # not the plain shape: the serializer validates it and words the errors
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
            activity=values.get("activity"),
            ref=values.get("ref") or cookie_ref(request),
        )
        return Response(order_body(order), status=status.HTTP_201_CREATED)


class StoreOrderDetailView(MemberView):
    @extend_schema(tags=STORE_TAGS, responses=s.StoreOrderDetailSerializer)
    def get(self, request, order_id: int):
        order = selectors.member_order_detail(member=request.user, order_id=order_id)
        return Response(s.StoreOrderDetailSerializer(order).data)


def line_pairs(lines: list[dict] | None) -> list[tuple[int, int]] | None:
    return None if lines is None else [(line["order_line_id"], line["quantity"]) for line in lines]


class StoreAfterSaleListView(MemberView):
    @extend_schema(
        tags=STORE_TAGS,
        operation_id="v1_store_aftersales_list",
        parameters=PAGE_PARAMS,
        responses=page_of(s.AfterSaleSerializer),
    )
    def get(self, request):
        paginator = PageNumberPagination()
        page = paginator.paginate_queryset(selectors.member_aftersales(member=request.user), request, view=self)
        return paginator.get_paginated_response(s.AfterSaleSerializer(page, many=True).data)


class StoreAfterSaleDetailView(MemberView):
    @extend_schema(tags=STORE_TAGS, responses=s.AfterSaleSerializer)
    def get(self, request, aftersale_id: int):
        aftersale = selectors.member_aftersale(member=request.user, aftersale_id=aftersale_id)
        return Response(s.AfterSaleSerializer(aftersale).data)


class StoreOrderAfterSaleView(MemberView):
    @extend_schema(tags=STORE_TAGS, request=s.AfterSaleInput, responses={201: s.AfterSaleSerializer})
    def post(self, request, order_id: int):
        data = s.AfterSaleInput(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        aftersale = services.request_aftersale(
            member=request.user,
            order_id=order_id,
            type=values["type"],
            lines=line_pairs(values["lines"]),
            reason=values["reason"],
        )
        body = s.AfterSaleSerializer(selectors.member_aftersale(member=request.user, aftersale_id=aftersale.pk))
        return Response(body.data, status=status.HTTP_201_CREATED)


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
    """Reading orders and after-sales: orders.view (every role, finance included). Writes need a view's
    shop_permission (docs/foundations.md)."""

    permission_classes = [HasShopPermission]
    shop_read_permission = Permission.ORDERS_VIEW


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


class ManageWriteView(ManageView):
    """Shipping: orders.manage (owners, admins and staff; finance reads only)."""

    shop_permission = Permission.ORDERS_MANAGE


class ManageAfterSaleWriteView(ManageView):
    """After-sales decisions: aftersales.manage (owners, admins and staff; finance reads only)."""

    shop_permission = Permission.AFTERSALES_MANAGE


class ManageOrderShipView(ManageWriteView):
    @extend_schema(tags=MANAGE_TAGS, request=s.ShipInput, responses=s.ManageOrderDetailSerializer)
    def post(self, request, order_id: int):
        data = s.ShipInput(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        services.ship_order(
            order_id=order_id,
            carrier=values["carrier"],
            tracking_number=values["tracking_number"],
            lines=line_pairs(values.get("lines")),
            actor_user_id=request.user.pk,
        )
        return Response(s.ManageOrderDetailSerializer(selectors.manage_order(order_id=order_id)).data)


AFTERSALE_STATUS_PARAM = OpenApiParameter("status", str, description="A status or a comma list of them.")


class ManageAfterSaleListView(ManageView):
    @extend_schema(
        tags=MANAGE_TAGS,
        operation_id="v1_manage_aftersales_list",
        parameters=[AFTERSALE_STATUS_PARAM, *PAGE_PARAMS],
        responses=page_of(s.ManageAfterSaleSerializer),
    )
    def get(self, request):
        aftersales = selectors.manage_aftersales(status=request.query_params.get("status"))
        paginator = PageNumberPagination()
        page = paginator.paginate_queryset(aftersales, request, view=self)
        return paginator.get_paginated_response(s.ManageAfterSaleSerializer(page, many=True).data)


class ManageAfterSaleDetailView(ManageView):
    @extend_schema(tags=MANAGE_TAGS, responses=s.ManageAfterSaleSerializer)
    def get(self, request, aftersale_id: int):
        return Response(s.ManageAfterSaleSerializer(selectors.manage_aftersale(aftersale_id=aftersale_id)).data)


def aftersale_body(aftersale_id: int) -> dict:
    return s.ManageAfterSaleSerializer(selectors.manage_aftersale(aftersale_id=aftersale_id)).data


class ManageAfterSaleApproveView(ManageAfterSaleWriteView):
    @extend_schema(tags=MANAGE_TAGS, request=None, responses=s.ManageAfterSaleSerializer)
    def post(self, request, aftersale_id: int):
        services.approve_aftersale(aftersale_id=aftersale_id, shop=request.shop, actor_user_id=request.user.pk)
        return Response(aftersale_body(aftersale_id))


class ManageAfterSaleRejectView(ManageAfterSaleWriteView):
    @extend_schema(tags=MANAGE_TAGS, request=s.RejectInput, responses=s.ManageAfterSaleSerializer)
    def post(self, request, aftersale_id: int):
        data = s.RejectInput(data=request.data)
        data.is_valid(raise_exception=True)
        services.reject_aftersale(
            aftersale_id=aftersale_id, reason=data.validated_data["reason"], actor_user_id=request.user.pk
        )
        return Response(aftersale_body(aftersale_id))


class ManageAfterSaleReceiveView(ManageAfterSaleWriteView):
    @extend_schema(tags=MANAGE_TAGS, request=None, responses=s.ManageAfterSaleSerializer)
    def post(self, request, aftersale_id: int):
        services.receive_return(aftersale_id=aftersale_id, shop=request.shop, actor_user_id=request.user.pk)
        return Response(aftersale_body(aftersale_id))


class ManageAfterSaleShipView(ManageAfterSaleWriteView):
    @extend_schema(tags=MANAGE_TAGS, request=s.ExchangeShipInput, responses=s.ManageAfterSaleSerializer)
    def post(self, request, aftersale_id: int):
        data = s.ExchangeShipInput(data=request.data)
        data.is_valid(raise_exception=True)
        services.ship_exchange(aftersale_id=aftersale_id, actor_user_id=request.user.pk, **data.validated_data)
        return Response(aftersale_body(aftersale_id))
