"""Merchant API on shop hosts: custom domains (attach, verify, primary, detach). Owners and admins only."""

from django.http import Http404
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from ..custom_domains import (
    attach_domain,
    detach_domain,
    make_primary,
    make_subdomain_primary,
    primary_host,
    shop_domains,
    verify_domain,
)
from ..domain_checks import TXT_PREFIX, TXT_VALUE_PREFIX, WELL_KNOWN_PATH
from ..models import CustomDomain
from ..permissions import HasShopPermission
from ..roles import Permission


class CustomDomainSerializer(serializers.ModelSerializer):
    is_primary = serializers.SerializerMethodField()
    verification = serializers.SerializerMethodField()

    class Meta:
        model = CustomDomain
        fields = ["id", "domain", "status", "is_primary", "verified_at", "last_check_error", "verification"]

    def get_is_primary(self, custom: CustomDomain) -> bool:
        return self.context.get("primary") == custom.domain

    def get_verification(self, custom: CustomDomain) -> dict:
        return {
            "http_url": f"http://{custom.domain}{WELL_KNOWN_PATH}",
            "http_body": custom.token,
            "txt_name": f"{TXT_PREFIX}{custom.domain}",
            "txt_value": f"{TXT_VALUE_PREFIX}{custom.token}",
        }


class AttachSerializer(serializers.Serializer):
    domain = serializers.CharField(max_length=253)


def _render(request, custom: CustomDomain | list, *, code=status.HTTP_200_OK) -> Response:
    context = {"primary": primary_host(request.shop)}
    many = isinstance(custom, list)
    return Response(CustomDomainSerializer(custom, many=many, context=context).data, status=code)


class DomainsBase(APIView):
    permission_classes = [HasShopPermission]
    shop_permission = shop_read_permission = Permission.DOMAINS_MANAGE

    def get_custom(self, request, pk: int) -> CustomDomain:
        custom = CustomDomain.objects.filter(pk=pk, shop=request.shop).select_related("shop").first()
        if custom is None:  # another shop's id looks exactly like a missing one
            raise Http404
        return custom


class DomainListView(DomainsBase):
    @extend_schema(responses={200: CustomDomainSerializer(many=True)}, tags=["manage"])
    def get(self, request):
        return _render(request, shop_domains(request.shop))

    @extend_schema(request=AttachSerializer, responses={201: CustomDomainSerializer}, tags=["manage"])
    def post(self, request):
        serializer = AttachSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        custom = attach_domain(shop=request.shop, domain=serializer.validated_data["domain"])  # DomainError: 400
        return _render(request, custom, code=status.HTTP_201_CREATED)


class DomainDetailView(DomainsBase):
    @extend_schema(responses={200: CustomDomainSerializer}, tags=["manage"])
    def get(self, request, pk: int):
        return _render(request, self.get_custom(request, pk))

    @extend_schema(responses={204: None}, tags=["manage"])
    def delete(self, request, pk: int):
        detach_domain(custom=self.get_custom(request, pk))
        return Response(status=status.HTTP_204_NO_CONTENT)


class DomainVerifyView(DomainsBase):
    @extend_schema(request=None, responses={200: CustomDomainSerializer}, tags=["manage"])
    def post(self, request, pk: int):
        custom = verify_domain(custom=self.get_custom(request, pk))
        return _render(request, custom)


class DomainPrimaryView(DomainsBase):
    @extend_schema(request=None, responses={200: CustomDomainSerializer}, tags=["manage"])
    def post(self, request, pk: int):
        custom = make_primary(custom=self.get_custom(request, pk))
        return _render(request, custom)


class SubdomainPrimaryView(DomainsBase):
    """Make `<subdomain>.ROOT_DOMAIN` the primary host again."""

    @extend_schema(request=None, responses={204: None}, tags=["manage"])
    def post(self, request):
        make_subdomain_primary(shop=request.shop)
        return Response(status=status.HTTP_204_NO_CONTENT)
