"""Merchant catalog API (/api/v1/manage/...): HTTP <-> one service or selector call."""

from django.http import Http404, StreamingHttpResponse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from micromall.api.pagination import PageNumberPagination, page_of
from shared_apps.tenancy.interface import HasShopPermission, Permission, request_can

from .. import selectors, services
from ..models import Brand, Category, LowStockNotice, Product, Sku
from . import serializers as s

MANAGE_TAGS = ["manage: catalog"]


class ManageView(APIView):
    """Every shop role reads; writes need catalog.manage, deleting catalog.delete (roles.py)."""

    permission_classes = [HasShopPermission]
    shop_permission = Permission.CATALOG_MANAGE

    def check_permissions(self, request):
        super().check_permissions(request)
        if request.method == "DELETE" and not request_can(request, Permission.CATALOG_DELETE):
            raise PermissionDenied(_("Only the owner or an admin can delete."))

    @staticmethod
    def actor_id(request) -> int:
        return request.user.pk


def get_or_404(model, pk):
    obj = model.objects.filter(pk=pk).first()
    if obj is None:
        raise Http404
    return obj


def int_param(request, name: str) -> int | None:
    raw = request.query_params.get(name)
    if raw in (None, ""):
        return None
    try:
        return int(raw)
    except ValueError:
        raise ValidationError({name: [_("Must be an integer.")]}) from None


def product_response(product_id: int, code: int = status.HTTP_200_OK) -> Response:
    return Response(s.ManageProductSerializer(selectors.product_for_manage(product_id)).data, status=code)


class ProductListView(ManageView):
    @extend_schema(
        tags=MANAGE_TAGS,
        parameters=[
            OpenApiParameter("status", str),
            OpenApiParameter("category", int),
            OpenApiParameter("q", str),
            OpenApiParameter("sort", str, enum=list(selectors.PRODUCT_SORTS)),
        ],
        responses=page_of(s.ManageProductSerializer),
    )
    def get(self, request):
        products = selectors.manage_product_list(
            status=request.query_params.get("status"),
            category_id=int_param(request, "category"),
            q=request.query_params.get("q"),
            sort=request.query_params.get("sort"),
        )
        paginator = PageNumberPagination()
        page = paginator.paginate_queryset(products, request, view=self)
        return paginator.get_paginated_response(s.ManageProductSerializer(page, many=True).data)

    @extend_schema(tags=MANAGE_TAGS, request=s.ProductInputSerializer, responses={201: s.ManageProductSerializer})
    def post(self, request):
        body = s.ProductInputSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        product = services.create_product(data=body.validated_data, actor_user_id=self.actor_id(request))
        return product_response(product.pk, status.HTTP_201_CREATED)


class ProductDetailView(ManageView):
    @extend_schema(tags=MANAGE_TAGS, responses=s.ManageProductSerializer)
    def get(self, request, product_id: int):
        get_or_404(Product, product_id)
        return product_response(product_id)

    @extend_schema(tags=MANAGE_TAGS, request=s.ProductInputSerializer, responses=s.ManageProductSerializer)
    def patch(self, request, product_id: int):
        product = get_or_404(Product, product_id)
        body = s.ProductInputSerializer(data=request.data, partial=True)
        body.is_valid(raise_exception=True)
        services.update_product(product=product, changes=body.validated_data, actor_user_id=self.actor_id(request))
        return product_response(product_id)

    @extend_schema(tags=MANAGE_TAGS, responses={204: None})
    def delete(self, request, product_id: int):
        services.delete_product(product=get_or_404(Product, product_id))
        return Response(status=status.HTTP_204_NO_CONTENT)


class ProductPublishView(ManageView):
    @extend_schema(tags=MANAGE_TAGS, request=None, responses=s.ManageProductSerializer)
    def post(self, request, product_id: int):
        services.publish_product(product=get_or_404(Product, product_id))
        return product_response(product_id)


class ProductUnpublishView(ManageView):
    @extend_schema(tags=MANAGE_TAGS, request=None, responses=s.ManageProductSerializer)
    def post(self, request, product_id: int):
        services.unpublish_product(product=get_or_404(Product, product_id))
        return product_response(product_id)


class ImageUploadView(ManageView):
    """Multipart `image` (+ `alt`). Unattached until a product lists its id in `images`."""

    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(tags=MANAGE_TAGS, request=s.ImageUploadSerializer, responses={201: s.ManageProductImageSerializer})
    def post(self, request, product_id: int | None = None):
        product = get_or_404(Product, product_id) if product_id is not None else None
        body = s.ImageUploadSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        image = services.upload_product_image(
            upload=body.validated_data["image"], alt=body.validated_data.get("alt", ""), product=product
        )
        return Response(s.ManageProductImageSerializer(image).data, status=status.HTTP_201_CREATED)


class ProductImportView(ManageView):
    """CSV as multipart `file`. 202 with the job; poll GET .../imports/{id}."""

    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(tags=MANAGE_TAGS, request=s.ImportUploadSerializer, responses={202: s.ImportJobSerializer})
    def post(self, request):
        upload = request.FILES.get("file")
        if upload is None:
            raise ValidationError({"file": [_("Upload a CSV file.")]})
        try:
            text = upload.read().decode("utf-8-sig")
        except UnicodeDecodeError:
            raise ValidationError({"file": [_("The file must be UTF-8.")]}) from None
        job = services.start_product_import(filename=upload.name or "", text=text, actor_user_id=self.actor_id(request))
        return Response(s.ImportJobSerializer(job).data, status=status.HTTP_202_ACCEPTED)


class ImportJobView(ManageView):
    @extend_schema(tags=MANAGE_TAGS, responses=s.ImportJobSerializer)
    def get(self, request, job_id: int):
        job = selectors.import_job(job_id)
        if job is None:
            raise Http404
        return Response(s.ImportJobSerializer(job).data)


class ProductExportView(ManageView):
    @extend_schema(tags=MANAGE_TAGS, responses={(200, "text/csv"): str})
    def get(self, request):
        response = StreamingHttpResponse(
            services.export_products_csv(selectors.products_for_export().iterator(chunk_size=200)),
            content_type="text/csv; charset=utf-8",
        )
        response["Content-Disposition"] = 'attachment; filename="products.csv"'
        return response


class CategoryListView(ManageView):
    @extend_schema(tags=MANAGE_TAGS, responses=s.ManageCategorySerializer(many=True))
    def get(self, request):
        return Response(s.ManageCategorySerializer(selectors.categories(), many=True).data)

    @extend_schema(tags=MANAGE_TAGS, request=s.ManageCategorySerializer, responses={201: s.ManageCategorySerializer})
    def post(self, request):
        body = s.ManageCategorySerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        category = services.create_category(
            name=data["name"], parent=data.get("parent"), slug=data.get("slug", ""), position=data.get("position", 0)
        )
        return Response(s.ManageCategorySerializer(category).data, status=status.HTTP_201_CREATED)


class CategoryDetailView(ManageView):
    @extend_schema(tags=MANAGE_TAGS, responses=s.ManageCategorySerializer)
    def get(self, request, category_id: int):
        return Response(s.ManageCategorySerializer(get_or_404(Category, category_id)).data)

    @extend_schema(tags=MANAGE_TAGS, request=s.ManageCategorySerializer, responses=s.ManageCategorySerializer)
    def patch(self, request, category_id: int):
        category = get_or_404(Category, category_id)
        body = s.ManageCategorySerializer(category, data=request.data, partial=True)
        body.is_valid(raise_exception=True)
        category = services.update_category(category=category, changes=body.validated_data)
        return Response(s.ManageCategorySerializer(category).data)

    @extend_schema(tags=MANAGE_TAGS, responses={204: None})
    def delete(self, request, category_id: int):
        services.delete_category(category=get_or_404(Category, category_id))
        return Response(status=status.HTTP_204_NO_CONTENT)


class BrandListView(ManageView):
    @extend_schema(tags=MANAGE_TAGS, responses=s.ManageBrandSerializer(many=True))
    def get(self, request):
        return Response(s.ManageBrandSerializer(selectors.brands(), many=True).data)

    @extend_schema(tags=MANAGE_TAGS, request=s.ManageBrandSerializer, responses={201: s.ManageBrandSerializer})
    def post(self, request):
        body = s.ManageBrandSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        brand = services.create_brand(name=body.validated_data["name"])
        return Response(s.ManageBrandSerializer(brand).data, status=status.HTTP_201_CREATED)


class BrandDetailView(ManageView):
    @extend_schema(tags=MANAGE_TAGS, responses=s.ManageBrandSerializer)
    def get(self, request, brand_id: int):
        return Response(s.ManageBrandSerializer(get_or_404(Brand, brand_id)).data)

    @extend_schema(tags=MANAGE_TAGS, request=s.ManageBrandSerializer, responses=s.ManageBrandSerializer)
    def patch(self, request, brand_id: int):
        brand = get_or_404(Brand, brand_id)
        body = s.ManageBrandSerializer(brand, data=request.data, partial=True)
        body.is_valid(raise_exception=True)
        if "name" in body.validated_data:
            brand = services.update_brand(brand=brand, name=body.validated_data["name"])
        return Response(s.ManageBrandSerializer(brand).data)

    @extend_schema(tags=MANAGE_TAGS, responses={204: None})
    def delete(self, request, brand_id: int):
        services.delete_brand(brand=get_or_404(Brand, brand_id))
        return Response(status=status.HTTP_204_NO_CONTENT)


class BrandLogoView(ManageView):
    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(tags=MANAGE_TAGS, request=s.ImageUploadSerializer, responses=s.ManageBrandSerializer)
    def post(self, request, brand_id: int):
        brand = get_or_404(Brand, brand_id)
        upload = request.FILES.get("image")
        if upload is None:
            raise ValidationError({"image": [_("Upload an image.")]})
        return Response(s.ManageBrandSerializer(services.set_brand_logo(brand=brand, upload=upload)).data)


class SkuStockView(ManageView):
    """GET the SKU's ledger; POST `{delta, reason, note}` adjusts stock (never below zero: 409)."""

    @extend_schema(tags=MANAGE_TAGS, responses=page_of(s.StockAdjustmentSerializer))
    def get(self, request, sku_id: int):
        get_or_404(Sku, sku_id)
        paginator = PageNumberPagination()
        page = paginator.paginate_queryset(selectors.stock_ledger(sku_id=sku_id), request, view=self)
        return paginator.get_paginated_response(s.StockAdjustmentSerializer(page, many=True).data)

    @extend_schema(
        tags=MANAGE_TAGS,
        request=s.StockAdjustmentInputSerializer,
        responses={
            201: s.StockAdjustmentSerializer,
            409: OpenApiResponse(OpenApiTypes.OBJECT, description="Stock would go below 0 or above the maximum."),
        },
    )
    def post(self, request, sku_id: int):
        get_or_404(Sku, sku_id)
        body = s.StockAdjustmentInputSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        # A refusal (InsufficientStock, StockLimitExceeded) is a domain Conflict: 409 via the error handler.
        change = services.adjust_stock(sku_id=sku_id, actor_user_id=self.actor_id(request), **body.validated_data)
        return Response(s.StockAdjustmentSerializer(change.adjustment).data, status=status.HTTP_201_CREATED)


class LowStockNoticeListView(ManageView):
    @extend_schema(tags=MANAGE_TAGS, responses=page_of(s.LowStockNoticeSerializer))
    def get(self, request):
        notices = LowStockNotice.objects.filter(resolved=False).select_related("sku")
        paginator = PageNumberPagination()
        page = paginator.paginate_queryset(notices, request, view=self)
        return paginator.get_paginated_response(s.LowStockNoticeSerializer(page, many=True).data)


class CatalogSettingsView(ManageView):
    @extend_schema(tags=MANAGE_TAGS, responses=s.CatalogSettingsSerializer)
    def get(self, request):
        return Response(s.CatalogSettingsSerializer(services.catalog_settings()).data)

    @extend_schema(tags=MANAGE_TAGS, request=s.CatalogSettingsSerializer, responses=s.CatalogSettingsSerializer)
    def put(self, request):
        body = s.CatalogSettingsSerializer(data=request.data, partial=True)
        body.is_valid(raise_exception=True)
        return Response(s.CatalogSettingsSerializer(services.update_catalog_settings(**body.validated_data)).data)
