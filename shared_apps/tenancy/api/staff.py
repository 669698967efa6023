"""Merchant API on shop hosts: the shop's staff. Owners and admins invite (by email) and remove; roles are
owner / admin / staff / finance (docs/billing.md, "Shop staff roles")."""

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from ..models import ShopMembership
from ..permissions import HasShopPermission
from ..roles import Permission
from ..services import INVITABLE, invite_staff, remove_staff


class StaffSerializer(serializers.Serializer):
    user = serializers.SerializerMethodField()
    role = serializers.CharField()

    def get_user(self, membership) -> dict:
        return {"id": membership.user_id, "email": membership.user.email}


class InviteSerializer(serializers.Serializer):
    email = serializers.EmailField()
    role = serializers.ChoiceField(choices=list(INVITABLE))


class StaffListView(APIView):
    permission_classes = [HasShopPermission]
    shop_permission = shop_read_permission = Permission.STAFF_MANAGE

    @extend_schema(responses={200: StaffSerializer(many=True)}, tags=["manage"])
    def get(self, request):
        members = ShopMembership.objects.filter(shop=request.shop).select_related("user").order_by("id")
        return Response(StaffSerializer(members, many=True).data)

    @extend_schema(request=InviteSerializer, responses={201: StaffSerializer}, tags=["manage"])
    def post(self, request):
        body = InviteSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        membership = invite_staff(shop=request.shop, by_role=request.shop_role, **body.validated_data)
        return Response(StaffSerializer(membership).data, status=status.HTTP_201_CREATED)


class StaffDetailView(APIView):
    permission_classes = [HasShopPermission]
    shop_permission = shop_read_permission = Permission.STAFF_MANAGE

    @extend_schema(responses={204: None}, tags=["manage"])
    def delete(self, request, user_id: int):
        remove_staff(shop=request.shop, user_id=user_id, by_role=request.shop_role)
        return Response(status=status.HTTP_204_NO_CONTENT)
