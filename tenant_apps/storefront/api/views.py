"""Storefront API for shoppers: product list/search, product detail, category tree. Public, read-only."""

from django.http import HttpResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.exceptions import NotFound
from rest_framework.permissions import AllowAny
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from micromall.api.pagination import PageNumberPagination
from micromall.api.throttling import StoreReadThrottle
from micromall.errors import Invalid
from tenant_apps.catalog.interface import search_products
from tenant_apps.members.interface import IsMember, MemberTokenAuthentication

from .. import selectors
from ..caching import cached_by_catalog
from .serializers import CategoryNodeSerializer, ProductCardSerializer, ProductDetailSerializer, ProductQuerySerializer


def shop_currency(request) -> str:
    return request.shop.currency


class StoreProductListView(APIView):
    """Active products: full-text search (Chinese and English), filters, sorting; cached per catalog version."""

    permission_classes = [AllowAny]
    authentication_classes: list = []
    throttle_classes = [StoreReadThrottle]

    @extend_schema(
        operation_id="store_products_list",
        parameters=[
            ProductQuerySerializer,
            OpenApiParameter("page", int),
            OpenApiParameter("page_size", int, description="at most 100"),
        ],
        responses=inline_serializer(
            "StoreProductPage",
            {
                "count": serializers.IntegerField(),
                "next": serializers.CharField(allow_null=True),
                "previous": serializers.CharField(allow_null=True),
                "results": ProductCardSerializer(many=True),
            },
        ),
    )
    def get(self, request):
        currency = shop_currency(request)
        # Keyed on the raw query string: only valid queries ever reach the cache (bad ones raise in
        # compute), so a hit skips validation too. The JSON is cached already rendered.
        query_string = request.META.get("QUERY_STRING", "")
        key = f"products:{request.get_host()}:{currency}:{selectors.digest(query_string)}"

        def compute() -> bytes:
            query = ProductQuerySerializer(data=request.query_params)
            query.is_valid(raise_exception=True)
            paginator = PageNumberPagination()
            products = paginator.paginate_queryset(search_products(query.to_filter()), request, view=self)
            results = selectors.product_card_list(products, currency)
            return JSONRenderer().render(paginator.get_paginated_response(results).data)

        return HttpResponse(cached_by_catalog(key, compute), content_type="application/json")


class StoreProductDetailView(APIView):
    permission_classes = [AllowAny]
    authentication_classes: list = []
    throttle_classes = [StoreReadThrottle]

    @extend_schema(operation_id="store_products_retrieve", responses=ProductDetailSerializer)
    def get(self, request, product_id: int):
        detail = selectors.product_detail(product_id, shop_currency(request))
        if detail is None:
            raise NotFound("商品不存在或已下架。 / No such product.")
        detail["share_url"] = request.build_absolute_uri(reverse("storefront:product", args=[product_id]))
        detail["qr_url"] = request.build_absolute_uri(reverse("storefront:product-qr", args=[product_id]))
        return Response(detail)


class StoreCategoryTreeView(APIView):
    permission_classes = [AllowAny]
    authentication_classes: list = []
    throttle_classes = [StoreReadThrottle]

    @extend_schema(operation_id="store_categories_list", responses=CategoryNodeSerializer(many=True))
    def get(self, request):
        return Response(cached_by_catalog("categories", selectors.category_tree))


MEMBER_PRICE_PRODUCTS = inline_serializer(
    "StoreMemberPriceProduct",
    many=True,
    fields={
        "product_id": serializers.IntegerField(),
        "price_amount": serializers.IntegerField(help_text="what this member pays (fen), the lowest SKU's"),
        "from_price": serializers.BooleanField(help_text="SKUs differ in price: show 起"),
        "anyone_price_amount": serializers.IntegerField(help_text="everyone's price, shown struck through"),
        "source": serializers.CharField(help_text="member_price | level | ..."),
    },
)
MEMBER_PRICE_SKUS = inline_serializer(
    "StoreMemberPriceSku",
    many=True,
    fields={
        "sku_id": serializers.IntegerField(),
        "product_id": serializers.IntegerField(),
        "price_amount": serializers.IntegerField(),
        "anyone_price_amount": serializers.IntegerField(),
        "source": serializers.CharField(),
    },
)


def product_ids_param(raw: str) -> list[int]:
    """`1,2,3` -> [1, 2, 3] (at most MEMBER_PRICE_PRODUCTS, each a positive id); Invalid otherwise."""
    parts = [part.strip() for part in raw.split(",")] if raw else []
    if (
        not parts
        or len(parts) > selectors.MEMBER_PRICE_PRODUCTS
        or not all(part.isascii() and part.isdigit() and 0 < len(part) <= 18 and int(part) > 0 for part in parts)
    ):
        message = _("Give 1 to %(count)d product ids separated by commas.")
        raise Invalid(errors={"product_ids": [message % {"count": selectors.MEMBER_PRICE_PRODUCTS}]})
    return list(dict.fromkeys(int(part) for part in parts))


class StoreMemberPricesView(APIView):
    """The signed-in member's own prices (会员价, level discounts) for the products on a page, for the theme to show
    after the (shared, cached) page loaded. Products of another shop or not on sale are simply not listed."""

    authentication_classes = [MemberTokenAuthentication]
    permission_classes = [IsMember]
    throttle_classes = [StoreReadThrottle]

    @extend_schema(
        operation_id="store_member_prices",
        parameters=[OpenApiParameter("product_ids", str, required=True, description="comma-separated, at most 48")],
        responses=inline_serializer(
            "StoreMemberPrices",
            {"products": MEMBER_PRICE_PRODUCTS, "skus": MEMBER_PRICE_SKUS},
        ),
    )
    def get(self, request):
        ids = product_ids_param(request.query_params.get("product_ids", ""))
        response = Response(selectors.member_prices(ids, member_id=request.user.pk))
        response["Cache-Control"] = "private, no-store"
        return response
