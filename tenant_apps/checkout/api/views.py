"""Storefront API: cart, address book and checkout preview (HTTP <-> one service/selector call)."""

from django.core.files.storage import default_storage
from drf_spectacular.utils import extend_schema
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from tenant_apps.members.interface import MemberTokenAuthentication

from ..quotes import CheckoutQuote, quote
from .serializers import PreviewRequestSerializer, PreviewSerializer

TAGS = ["store: checkout"]


def image_url(name: str) -> str | None:
    return default_storage.url(name) if name else None


def member_of(request):
    return request.user if getattr(request.user, "is_authenticated", False) and request.auth else None


def quote_body(priced: CheckoutQuote) -> dict:
    return {
        "lines": [
            {
                "sku_id": line.sku_id,
                "product_id": line.product_id,
                "title": priced.skus[line.sku_id].title,
                "specs": priced.skus[line.sku_id].specs,
                "image_url": image_url(priced.skus[line.sku_id].image),
                "quantity": line.quantity,
                "unit_price_amount": line.unit_price_amount,
                "subtotal_amount": line.subtotal_amount,
                "discount_amount": line.discount_amount,
                "total_amount": line.total_amount,
            }
            for line in priced.lines
        ],
        "subtotal_amount": priced.subtotal_amount,
        "discount_amount": priced.discount_amount,
        "shipping_amount": priced.shipping_amount,
        "total_amount": priced.total_amount,
        "currency": priced.currency,
        "address_id": priced.address.pk if priced.address else None,
        "applied": [
            {
                "kind": applied.kind,
                "code": applied.code,
                "name": applied.name,
                "amount": applied.amount,
                "lines": [{"sku_id": al.sku_id, "amount": al.amount} for al in applied.lines],
            }
            for applied in priced.applied
        ],
    }


class CheckoutPreviewView(APIView):
    """The priced order before it is placed. Guests may preview; `address_id` needs the member's token."""

    authentication_classes = [MemberTokenAuthentication]
    permission_classes = [AllowAny]

    @extend_schema(request=PreviewRequestSerializer, responses={200: PreviewSerializer}, tags=TAGS)
    def post(self, request):
        body = PreviewRequestSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        priced = quote(
            items=[(item["sku_id"], item["quantity"]) for item in data["items"]],
            member=member_of(request),
            address=data.get("address_id"),
        )
        return Response(quote_body(priced))
