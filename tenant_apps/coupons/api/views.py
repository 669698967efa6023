"""Coupons API (API.md, marketing): HTTP <-> one service or selector call. Store endpoints need a member token
(own coupons only); merchant endpoints a platform token whose role has marketing.manage for writes."""

from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from micromall.errors import ApplicationError, NotFound
from shared_apps.tenancy.interface import HasShopPermission, Permission
from tenant_apps.checkout.interface import quote
from tenant_apps.members.interface import IsMember, MemberTokenAuthentication

from .. import selectors, services
from ..models import IssueSource
from . import serializers as s

STORE_TAGS = ["store: coupons"]
MANAGE_TAGS = ["manage: coupons"]
CONFLICT = OpenApiResponse(description="Sold out, over the per-member limit, or not offered now.")
MAX_USABLE_QUOTES = 20


def values_of(data: dict) -> dict:
    """Validated input -> service fields (`scope` flattened into the template's columns)."""
    values = {key: value for key, value in data.items() if key != "scope"}
    for key, ids in (data.get("scope") or {}).items():
        values[key] = list(dict.fromkeys(ids))
    return values


class ManageView(APIView):
    permission_classes = [HasShopPermission]
    shop_permission = Permission.MARKETING_MANAGE


def coupon_or_404(coupon_id: int):
    coupon = selectors.coupon(coupon_id)
    if coupon is None:
        raise NotFound(_("No such coupon."))
    return coupon


def detail(coupon) -> dict:
    return s.CouponDetailSerializer(coupon, context={"usage": selectors.usage(coupon_id=coupon.pk)}).data


class ManageCouponsView(ManageView):
    @extend_schema(
        tags=MANAGE_TAGS,
        parameters=[OpenApiParameter("active", bool, description="only active (true) or inactive (false)")],
        responses=s.CouponSerializer(many=True),
    )
    def get(self, request):
        active = {"true": True, "false": False}.get(request.query_params.get("active", ""))
        return Response(s.CouponSerializer(selectors.coupons(active=active)[:500], many=True).data)

    @extend_schema(tags=MANAGE_TAGS, request=s.CouponInput, responses={201: s.CouponDetailSerializer})
    def post(self, request):
        data = s.CouponInput(data=request.data)
        data.is_valid(raise_exception=True)
        coupon = services.create_coupon(**values_of(data.validated_data))
        return Response(detail(coupon), status=status.HTTP_201_CREATED)


class ManageCouponView(ManageView):
    @extend_schema(tags=MANAGE_TAGS, responses=s.CouponDetailSerializer)
    def get(self, request, coupon_id: int):
        return Response(detail(coupon_or_404(coupon_id)))

    @extend_schema(tags=MANAGE_TAGS, request=s.CouponInput(partial=True), responses=s.CouponDetailSerializer)
    def patch(self, request, coupon_id: int):
        coupon_or_404(coupon_id)
        data = s.CouponInput(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        return Response(detail(services.update_coupon(coupon_id=coupon_id, **values_of(data.validated_data))))


class ManageIssueView(ManageView):
    """Staff issue: one coupon to each member listed, all or nothing."""

    @extend_schema(tags=MANAGE_TAGS, request=s.IssueInput, responses={201: s.IssueResponse, 409: CONFLICT})
    def post(self, request, coupon_id: int):
        coupon_or_404(coupon_id)
        data = s.IssueInput(data=request.data)
        data.is_valid(raise_exception=True)
        issued = services.issue_to_members(
            coupon_id=coupon_id,
            member_ids=data.validated_data["member_ids"],
            source=IssueSource.STAFF,
            reason=data.validated_data.get("reason", ""),
        )
        return Response({"issued": len(issued)}, status=status.HTTP_201_CREATED)


class AvailableView(APIView):
    """The coupon centre: coupons offered now. Guests see them too; a member sees what they already hold."""

    authentication_classes = [MemberTokenAuthentication]
    permission_classes = [AllowAny]

    @extend_schema(
        tags=STORE_TAGS,
        parameters=[OpenApiParameter("product_id", int, description="only coupons that may cover this product")],
        responses=s.AvailableSerializer(many=True),
    )
    def get(self, request):
        raw = request.query_params.get("product_id", "")
        product_id = int(raw) if raw.isascii() and raw.isdigit() and 0 < len(raw) <= 18 else None
        member_id = request.user.pk if getattr(request.user, "is_authenticated", False) else None
        rows = selectors.claimable(now=timezone.now(), member_id=member_id, product_id=product_id)
        return Response(s.AvailableSerializer(rows, many=True).data)


class ClaimView(APIView):
    authentication_classes = [MemberTokenAuthentication]
    permission_classes = [IsMember]

    @extend_schema(tags=STORE_TAGS, request=None, responses={201: s.ClaimResponse, 409: CONFLICT})
    def post(self, request, coupon_id: int):
        if not 0 < coupon_id < 2**63:
            raise NotFound(_("No such coupon."))
        coupon = services.claim(member=request.user, coupon_id=coupon_id)
        return Response(
            {"code": coupon.code, "status": coupon.status, "valid_to": coupon.valid_to},
            status=status.HTTP_201_CREATED,
        )


def member_coupon_body(coupon, now) -> dict:
    body = s.MemberCouponSerializer(coupon).data
    body["status"] = selectors.display_status(coupon, now)
    return body


class MyCouponsView(APIView):
    authentication_classes = [MemberTokenAuthentication]
    permission_classes = [IsMember]

    @extend_schema(
        tags=STORE_TAGS,
        parameters=[OpenApiParameter("status", str, description="unused, locked, used, expired or void")],
        responses=s.MemberCouponSerializer(many=True),
    )
    def get(self, request):
        now = timezone.now()
        rows = selectors.member_coupons(member_id=request.user.pk, status=request.query_params.get("status"), now=now)
        return Response([member_coupon_body(row, now) for row in rows])


class UsableView(APIView):
    """The checkout's coupon picker: the member's coupons that save something on this cart, best first, each
    priced by the same quote the order will use."""

    authentication_classes = [MemberTokenAuthentication]
    permission_classes = [IsMember]

    @extend_schema(tags=STORE_TAGS, request=s.UsableInput, responses=s.UsableSerializer(many=True))
    def post(self, request):
        data = s.UsableInput(data=request.data)
        data.is_valid(raise_exception=True)
        items = [(item["sku_id"], item["quantity"]) for item in data.validated_data["items"]]
        address = data.validated_data.get("address_id")
        now = timezone.now()
        base = quote(items=items, member=request.user, address=address, check_stock=False)
        rows = []
        for coupon in selectors.usable_now(member_id=request.user.pk, now=now)[:MAX_USABLE_QUOTES]:
            try:
                priced = quote(
                    items=items, member=request.user, address=address, check_stock=False, coupon_code=coupon.code
                )
            except ApplicationError:
                continue
            saving = base.total_amount - priced.total_amount
            if saving > 0:
                rows.append(
                    {**member_coupon_body(coupon, now), "saving_amount": saving, "total_amount": priced.total_amount}
                )
        rows.sort(key=lambda row: (-row["saving_amount"], row["valid_to"]))
        return Response(rows)
