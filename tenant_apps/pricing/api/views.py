"""Merchant API for shipping templates: /api/v1/manage/shipping-templates[/{id}]."""

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from micromall.api.pagination import PageNumberPagination, page_of
from shared_apps.tenancy.interface import HasShopRole, MembershipRole

from .. import selectors, services
from .serializers import ShippingTemplateSerializer

TAGS = ["manage: shipping"]


def body_of(request) -> dict:
    if not isinstance(request.data, dict):
        raise ValidationError({"detail": [_("The body must be a JSON object.")]})
    return dict(request.data)


class ShippingView(APIView):
    """Every shop role reads; owners and admins change templates."""

    permission_classes = [HasShopRole]
    shop_roles = {MembershipRole.OWNER, MembershipRole.ADMIN}
    shop_read_roles = set(MembershipRole.values)


class ShippingTemplateListView(ShippingView):
    @extend_schema(
        operation_id="manage_shipping_templates_list", tags=TAGS, responses=page_of(ShippingTemplateSerializer)
    )
    def get(self, request):
        paginator = PageNumberPagination()
        page = paginator.paginate_queryset(selectors.shipping_templates(), request, view=self)
        return paginator.get_paginated_response(ShippingTemplateSerializer(page, many=True).data)

    @extend_schema(tags=TAGS, request=ShippingTemplateSerializer, responses={201: ShippingTemplateSerializer})
    def post(self, request):
        template = services.create_shipping_template(data=body_of(request))
        return Response(ShippingTemplateSerializer(template).data, status=status.HTTP_201_CREATED)


class ShippingTemplateDetailView(ShippingView):
    @extend_schema(tags=TAGS, responses=ShippingTemplateSerializer)
    def get(self, request, template_id: int):
        template = selectors.shipping_template(template_id)
        if template is None:
            raise NotFound(_("No such shipping template."))
        return Response(ShippingTemplateSerializer(template).data)

    @extend_schema(tags=TAGS, request=ShippingTemplateSerializer, responses=ShippingTemplateSerializer)
    def patch(self, request, template_id: int):
        template = services.update_shipping_template(template_id=template_id, data=body_of(request))
        return Response(ShippingTemplateSerializer(template).data)

    @extend_schema(tags=TAGS, responses={204: None})
    def delete(self, request, template_id: int):
        services.delete_shipping_template(template_id=template_id)
        return Response(status=status.HTTP_204_NO_CONTENT)
