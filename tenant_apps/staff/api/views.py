from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from shared_apps.tenancy.interface import HasShopRole, shop_url


class ShopProfileView(APIView):
    """The shop this host serves and the caller's role on it (merchant API)."""

    permission_classes = [HasShopRole]

    @extend_schema(
        tags=["manage"],
        responses=inline_serializer(
            "ShopProfile",
            {
                "id": serializers.IntegerField(),
                "name": serializers.CharField(),
                "subdomain": serializers.CharField(),
                "url": serializers.CharField(),
                "currency": serializers.CharField(),
                "role": serializers.CharField(),
            },
        ),
    )
    def get(self, request):
        shop = request.shop
        return Response(
            {
                "id": shop.id,
                "name": shop.name,
                "subdomain": shop.subdomain,
                "url": shop_url(shop),
                "currency": shop.currency,
                "role": request.shop_role,
            }
        )
