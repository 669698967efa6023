from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import permissions, serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from billing.interface import start_trial
from micromall.api.throttling import ScopedRateThrottle
from shared_apps.agencies.interface import agency_managed_by

from ..autologin import login_link
from ..selectors import shops_for_user
from ..services import SubdomainTaken, provision_shop
from ..signup import EmailTaken, sign_up
from .serializers import (
    EMAIL_TAKEN,
    SUBDOMAIN_TAKEN,
    ShopCreatedSerializer,
    ShopCreateRequestSerializer,
    ShopListItemSerializer,
    ShopSerializer,
    SignupResponseSerializer,
    SignupSerializer,
)


class SignupView(APIView):
    """Create a platform account and launch its first shop from a gallery template."""

    authentication_classes: list = []
    permission_classes = [permissions.AllowAny]
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "signup"

    @extend_schema(request=SignupSerializer, responses={201: SignupResponseSerializer}, tags=["signup"])
    def post(self, request):
        serializer = SignupSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        try:
            result = sign_up(
                email=data["email"],
                password=data["password"],
                shop_name=data["shop_name"],
                subdomain=data["subdomain"],
                template=data["template"],
            )
        except EmailTaken as exc:
            raise serializers.ValidationError({"email": [EMAIL_TAKEN]}) from exc
        except SubdomainTaken as exc:  # lost a race with a concurrent signup
            raise serializers.ValidationError({"subdomain": [SUBDOMAIN_TAKEN]}) from exc
        body = {
            "user": {"id": result.user.pk, "email": result.user.email},
            "shop": ShopSerializer(result.shop).data,
            "token": result.token,
            "admin_login_url": login_link(user=result.user, shop=result.shop),
        }
        return Response(body, status=status.HTTP_201_CREATED)


class ShopsView(APIView):
    """Shops the caller has a role on; POST launches another shop (optionally for an agency)."""

    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(responses={200: ShopListItemSerializer(many=True)}, tags=["shops"])
    def get(self, request):
        return Response(ShopListItemSerializer(shops_for_user(request.user), many=True).data)

    @extend_schema(request=ShopCreateRequestSerializer, responses={201: ShopCreatedSerializer}, tags=["shops"])
    def post(self, request):
        serializer = ShopCreateRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        agency = _agency_for(request.user, data.get("agency"))
        try:
            shop = provision_shop(
                name=data["shop_name"],
                subdomain=data["subdomain"],
                owner=request.user,
                template=data["template"],
                agency=agency,
            )
            start_trial(shop=shop)  # billing: the new shop's trial (an agency's client shop is billed to the agency)
        except SubdomainTaken as exc:
            raise serializers.ValidationError({"subdomain": [SUBDOMAIN_TAKEN]}) from exc
        body = dict(ShopSerializer(shop).data, admin_login_url=login_link(user=request.user, shop=shop))
        return Response(body, status=status.HTTP_201_CREATED)


def _agency_for(user, agency_id: int | None):
    """The agency a new client shop belongs to; the caller must manage that agency (its owner or an admin)."""
    if agency_id is None:
        return None
    agency = agency_managed_by(user=user, agency_id=agency_id)
    if agency is None:
        raise serializers.ValidationError({"agency": [_("You cannot open shops for this agency.")]})
    return agency
