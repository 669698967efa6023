"""Storefront API for shoppers: product list/search, product detail, category tree. Public, read-only."""

from django.http import HttpResponse
from django.urls import reverse
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.exceptions import NotFound
from rest_framework.permissions import AllowAny
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from micromall.api.pagination import PageNumberPagination
from micromall.api.throttling import StoreReadThrottle
from tenant_apps.catalog.interface import search_products

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
