"""Flash-sale API: HTTP <-> one service or selector call. Merchant endpoints need marketing.manage to write
(every role reads); the store list is public (prices and remaining stock, nothing personal)."""

from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from micromall.api.pagination import PageNumberPagination, page_of
from micromall.errors import NotFound
from shared_apps.tenancy.interface import HasShopPermission, Permission
from tenant_apps.marketing.interface import ACTIONS, effective_status

from .. import selectors, services
from . import serializers as s

MANAGE_TAGS = ["manage: flash sales"]
STORE_TAGS = ["store: flash sales"]
PAGE_PARAMS = [OpenApiParameter("page", int), OpenApiParameter("page_size", int, description="at most 100")]
CONFLICT = OpenApiResponse(description="Not allowed in the session's current status.")


def currency(request) -> str:
    return getattr(request.shop, "currency", "CNY") or "CNY"


def sale_body(request, sale, now=None) -> dict:
    now = now or timezone.now()
    stats = selectors.item_stats(sale_id=sale.pk)
    return {
        "id": sale.pk,
        "title": sale.title,
        "status": effective_status(sale.status, sale.starts_at, sale.ends_at, now),
        "starts_at": sale.starts_at,
        "ends_at": sale.ends_at,
        "pay_within_minutes": sale.pay_within_minutes,
        "currency": currency(request),
        "items": [s.item_data(item, stats) for item in sale.items.all()],
        "created": sale.created,
    }


def manage_sale(request, sale_id: int) -> dict:
    sale = selectors.manage_sale(sale_id=sale_id) if 0 < sale_id < 2**63 else None
    if sale is None:
        raise NotFound(_("No such flash sale."))
    return sale_body(request, sale)


class ManageView(APIView):
    permission_classes = [HasShopPermission]
    shop_permission = Permission.MARKETING_MANAGE


class ManageFlashSalesView(ManageView):
    @extend_schema(
        tags=MANAGE_TAGS,
        operation_id="manage_flash_sales_list",
        parameters=[OpenApiParameter("status", str, description="A stored status."), *PAGE_PARAMS],
        responses=page_of(s.ManageListSerializer),
    )
    def get(self, request):
        now = timezone.now()
        paginator = PageNumberPagination()
        page = paginator.paginate_queryset(
            selectors.manage_sales(status=request.query_params.get("status")), request, view=self
        )
        return paginator.get_paginated_response(
            [
                {
                    "id": sale.pk,
                    "title": sale.title,
                    "status": effective_status(sale.status, sale.starts_at, sale.ends_at, now),
                    "starts_at": sale.starts_at,
                    "ends_at": sale.ends_at,
                    "items_count": sale.items_count,
                    "stock_total": sale.stock_total or 0,
                    "sold_total": (sale.stock_total or 0) - (sale.remaining_total or 0),
                }
                for sale in page
            ]
        )

    @extend_schema(tags=MANAGE_TAGS, request=s.FlashSaleInput, responses={201: s.FlashSaleSerializer})
    def post(self, request):
        data = s.FlashSaleInput(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        sale = services.create_flash_sale(
            title=values["title"],
            starts_at=values["starts_at"],
            ends_at=values["ends_at"],
            items=[dict(item) for item in values["items"]],
            pay_within_minutes=values.get("pay_within_minutes", 5),
            publish=values.get("publish", False),
        )
        return Response(manage_sale(request, sale.pk), status=status.HTTP_201_CREATED)


class ManageFlashSaleView(ManageView):
    @extend_schema(tags=MANAGE_TAGS, responses=s.FlashSaleSerializer)
    def get(self, request, sale_id: int):
        return Response(manage_sale(request, sale_id))


class ManageFlashSaleActionView(ManageView):
    action_name = ""

    @extend_schema(tags=MANAGE_TAGS, request=None, responses={200: s.FlashSaleSerializer, 409: CONFLICT})
    def post(self, request, sale_id: int):
        services.change_status(sale_id=sale_id, action=self.action_name)
        return Response(manage_sale(request, sale_id))


class StoreFlashSalesView(APIView):
    authentication_classes: list = []
    permission_classes = [AllowAny]

    @extend_schema(
        tags=STORE_TAGS,
        operation_id="store_flash_sales_list",
        parameters=PAGE_PARAMS,
        responses=page_of(s.StoreSessionSerializer),
    )
    def get(self, request):
        sessions = selectors.store_sessions(now=timezone.now())
        paginator = PageNumberPagination()
        page = paginator.paginate_queryset(sessions, request, view=self)
        return paginator.get_paginated_response([session_data(request, session) for session in page])


def session_data(request, session) -> dict:
    sale = session.sale
    return {
        "id": sale.pk,
        "title": sale.title,
        "status": session.status,
        "starts_at": sale.starts_at,
        "ends_at": sale.ends_at,
        "currency": currency(request),
        "items": [s.store_item_data(item) for item in session.items],
    }


ACTION_NAMES = tuple(ACTIONS)
