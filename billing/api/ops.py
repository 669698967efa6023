"""Operator API (platform host): shops, suspend/resume, revenue, invoices. Operator staff only: a staff account with
the permission of the call (the "operator" group, billing/operators.py; superusers hold all); others get 403."""

import re
from datetime import date

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import permissions, serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from micromall.api.pagination import PageNumberPagination, page_of
from shared_apps.tenancy.models import ShopStatus

from .. import operators, selectors, services
from ..operators import is_operator
from .serializers import InvoiceSerializer, OpsShopSerializer, ReasonSerializer, RevenueSerializer


class IsOperator(permissions.BasePermission):
    message = "Operator staff only."

    def has_permission(self, request, view) -> bool:
        return is_operator(request.user, view.operator_permission)


class OpsView(APIView):
    permission_classes = [permissions.IsAuthenticated, IsOperator]
    operator_permission = operators.SEE_SHOPS


def shop_rows(shops) -> list[dict]:
    gmv = selectors.gmv_30d([shop.pk for shop in shops])
    rows = []
    for shop in shops:
        subscription = getattr(shop, "subscription", None)
        rows.append(
            {
                "id": shop.pk,
                "subdomain": shop.subdomain,
                "name": shop.name,
                "status": shop.status,
                "plan": subscription.plan.code if subscription else None,
                "subscription_status": subscription.status if subscription else None,
                "gmv_amount_30d": gmv.get(shop.pk, 0),
            }
        )
    return rows


class OpsShopsView(OpsView):
    @extend_schema(
        parameters=[OpenApiParameter("status", str, enum=ShopStatus.values)],
        responses={200: page_of(OpsShopSerializer)},
        tags=["ops"],
    )
    def get(self, request):
        status = request.query_params.get("status") or None
        if status is not None and status not in ShopStatus.values:
            raise serializers.ValidationError({"status": [_("Choose active, suspended or closed.")]})
        paginator = PageNumberPagination()
        page = paginator.paginate_queryset(selectors.ops_shops(status), request, view=self)
        return paginator.get_paginated_response(OpsShopSerializer(shop_rows(page), many=True).data)


class OpsShopActionView(OpsView):
    action_name = "suspend"
    operator_permission = operators.SUSPEND

    @extend_schema(request=ReasonSerializer, responses={200: OpsShopSerializer}, tags=["ops"])
    def post(self, request, shop_id: int):
        body = ReasonSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        act = services.suspend_shop if self.action_name == "suspend" else services.resume_shop
        act(shop_id=shop_id, reason=body.validated_data["reason"], by=request.user)
        shop = selectors.ops_shops().get(pk=shop_id)
        return Response(OpsShopSerializer(shop_rows([shop])[0]).data)


class OpsRevenueView(OpsView):
    operator_permission = operators.SEE_REVENUE

    @extend_schema(
        parameters=[OpenApiParameter("month", str, required=True, description="YYYY-MM")],
        responses={200: RevenueSerializer},
        tags=["ops"],
    )
    def get(self, request):
        raw = request.query_params.get("month", "")
        match = re.fullmatch(r"(\d{4})-(\d{2})", raw)
        if not match or not 1 <= int(match.group(2)) <= 12 or int(match.group(1)) < 2000:
            raise serializers.ValidationError({"month": [_("Give a month as YYYY-MM.")]})
        month = date(int(match.group(1)), int(match.group(2)), 1)
        return Response(RevenueSerializer(selectors.revenue(month)).data)


class OpsInvoicePaidView(OpsView):
    """Offline billing: the operator records that the money of an invoice arrived."""

    operator_permission = operators.MARK_PAID

    @extend_schema(request=None, responses={200: InvoiceSerializer}, tags=["ops"])
    def post(self, request, invoice_id: int):
        invoice = services.mark_invoice_paid(invoice_id=invoice_id, by=request.user)
        return Response(InvoiceSerializer(selectors.invoices_for_account(invoice.account).get(pk=invoice.pk)).data)
