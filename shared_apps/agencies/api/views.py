"""Agency API (platform host): create, members, client shops dashboard, bulk actions; shop hand-over."""

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import permissions, serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from billing.interface import shop_billing_summary
from micromall.errors import NotFound
from shared_apps.tenancy.api.serializers import ShopSerializer
from shared_apps.tenancy.models import Shop

from .. import services
from ..selectors import agency_visible_to


class AgencyRequestSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=100)


class AgencySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class MemberRequestSerializer(serializers.Serializer):
    email = serializers.EmailField()
    role = serializers.ChoiceField(choices=["owner", "admin", "staff"])


class MemberSerializer(serializers.Serializer):
    agency = serializers.IntegerField(source="agency_id")
    user = serializers.SerializerMethodField()
    role = serializers.CharField()

    def get_user(self, membership) -> dict:
        return {"id": membership.user_id, "email": membership.user.email}


class ClientShopSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    subdomain = serializers.CharField()
    status = serializers.CharField()
    plan = serializers.CharField(allow_null=True)
    gmv_amount_30d = serializers.IntegerField()


class TransferRequestSerializer(serializers.Serializer):
    email = serializers.EmailField()
    keep_agency_access = serializers.BooleanField(
        default=False, help_text="true: the previous owner / agency keeps access as staff; false: access removed."
    )


class BulkRequestSerializer(serializers.Serializer):
    action = serializers.ChoiceField(choices=["theme_settings", "products"])
    shops = serializers.ListField(child=serializers.IntegerField(), min_length=1, max_length=200)
    settings = serializers.DictField(required=False, help_text="theme_settings: keys to change in each shop.")
    products = serializers.ListField(
        child=serializers.DictField(), required=False, help_text="products: catalog entries (load_catalog format)."
    )


class BulkResultSerializer(serializers.Serializer):
    shop = serializers.IntegerField()
    ok = serializers.BooleanField()
    errors = serializers.DictField(required=False)


class AgenciesView(APIView):
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(request=AgencyRequestSerializer, responses={201: AgencySerializer}, tags=["agencies"])
    def post(self, request):
        body = AgencyRequestSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        agency = services.create_agency(name=body.validated_data["name"], owner=request.user)
        return Response(AgencySerializer(agency).data, status=status.HTTP_201_CREATED)


class AgencyMembersView(APIView):
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(request=MemberRequestSerializer, responses={201: MemberSerializer}, tags=["agencies"])
    def post(self, request, agency_id: int):
        if agency_visible_to(user=request.user, agency_id=agency_id) is None:
            raise NotFound(_("No such agency."))
        body = MemberRequestSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        membership = services.add_member(agency_id=agency_id, by=request.user, **body.validated_data)
        return Response(MemberSerializer(membership).data, status=status.HTTP_201_CREATED)


class AgencyShopsView(APIView):
    """The agency's client shops with plan, status and the last 30 days' GMV (any member of the agency)."""

    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(responses={200: ClientShopSerializer(many=True)}, tags=["agencies"])
    def get(self, request, agency_id: int):
        if agency_visible_to(user=request.user, agency_id=agency_id) is None:
            raise NotFound(_("No such agency."))
        shops = list(Shop.objects.filter(agency_id=agency_id, is_demo=False).order_by("id"))
        summary = shop_billing_summary([shop.pk for shop in shops])
        rows = [{"id": s.pk, "subdomain": s.subdomain, "status": s.status, **summary[s.pk]} for s in shops]
        return Response(ClientShopSerializer(rows, many=True).data)


class AgencyBulkView(APIView):
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(request=BulkRequestSerializer, responses={200: BulkResultSerializer(many=True)}, tags=["agencies"])
    def post(self, request, agency_id: int):
        if agency_visible_to(user=request.user, agency_id=agency_id) is None:
            raise NotFound(_("No such agency."))
        body = BulkRequestSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        results = services.bulk_apply(
            agency_id=agency_id,
            by=request.user,
            action=data["action"],
            shop_ids=data["shops"],
            payload={"settings": data.get("settings"), "products": data.get("products")},
        )
        return Response({"results": [result.as_dict() for result in results]})


class ShopTransferView(APIView):
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(request=TransferRequestSerializer, responses={200: ShopSerializer}, tags=["agencies"])
    def post(self, request, shop_id: int):
        body = TransferRequestSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        shop = services.transfer_shop(shop_id=shop_id, by=request.user, **body.validated_data)
        return Response(ShopSerializer(shop).data)
