"""Group-buy API: HTTP <-> one service or selector call. Manage endpoints need a platform token with
`marketing.manage` (reads: any role); store reads are public (a group is shared by link), with the member's
own seat shown when a member token comes along."""

import segno
from django.core.files.storage import default_storage
from django.http import Http404, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from micromall.errors import NotFound
from micromall.posters import FESTIVE, render_poster
from shared_apps.tenancy.interface import HasShopPermission, Permission
from tenant_apps.members.interface import MemberTokenAuthentication

from .. import selectors, services
from ..models import ParticipationStatus
from . import serializers as s

STORE_TAGS = ["store: group buys"]
MANAGE_TAGS = ["manage: group buys"]
NOT_FOUND = OpenApiResponse(s.GroupBuyErrorSerializer, description="No such group buy or group in this shop.")
CONFLICT = OpenApiResponse(s.GroupBuyErrorSerializer, description="The current state does not allow this.")


def activity_body(row) -> dict:
    now = timezone.now()
    return {
        "id": row.pk,
        "title": row.title,
        "status": selectors.activity_status(row, now),
        **{
            name: getattr(row, name)
            for name in (
                "starts_at",
                "ends_at",
                "group_size",
                "hours_to_form",
                "per_order_limit",
                "per_member_limit",
                "leader_discount_amount",
                "autofill_percent",
            )
        },
        "items": [
            {
                "sku_id": i.sku_id,
                "product_id": i.product_id,
                "price_amount": i.price_amount,
                "ladder": i.ladder,
                "stock": i.stock,
                "sold": i.sold,
                "remaining": i.remaining,
            }
            for i in row.items.all()
        ],
    }


def found_activity(activity_id: int):
    row = selectors.activity(activity_id)
    if row is None:
        raise NotFound(_("Group buy not found."))
    return row


def found_group(group_id: int):
    row = selectors.group(group_id)
    if row is None:
        raise NotFound(_("Group not found."))
    return row


def group_links(request, group_id: int) -> dict:
    return {
        "share_url": request.build_absolute_uri(f"/groups/{group_id}"),
        "qr_url": f"/api/v1/store/groups/{group_id}/qr.svg",
        "poster_url": f"/api/v1/store/groups/{group_id}/poster.png",
    }


def group_body(request, row, member_id: int | None) -> dict:
    return {
        "id": row.pk,
        "activity_id": row.activity_id,
        "status": selectors.group_status(row, timezone.now()),
        "group_size": row.size,
        "joined": row.joined,
        "expires_at": row.expires_at,
        "seats": [seat.__dict__ for seat in selectors.seats(row)],
        **group_links(request, row.pk),
        "seated": bool(member_id) and selectors.is_seated(row.pk, member_id),
    }


class ManageView(APIView):
    permission_classes = [HasShopPermission]
    shop_permission = Permission.MARKETING_MANAGE


class ManageGroupBuyListView(ManageView):
    @extend_schema(tags=MANAGE_TAGS, responses=s.GroupBuySerializer(many=True))
    def get(self, request):
        return Response([activity_body(row) for row in selectors.activities()[:500]])

    @extend_schema(tags=MANAGE_TAGS, request=s.GroupBuyInput, responses={201: s.GroupBuySerializer})
    def post(self, request):
        data = s.GroupBuyInput(data=request.data)
        data.is_valid(raise_exception=True)
        row = services.create_group_buy(**data.validated_data)
        return Response(activity_body(found_activity(row.pk)), status=status.HTTP_201_CREATED)


class ManageGroupBuyDetailView(ManageView):
    @extend_schema(tags=MANAGE_TAGS, responses={200: s.GroupBuySerializer, 404: NOT_FOUND})
    def get(self, request, activity_id: int):
        return Response(activity_body(found_activity(activity_id)))

    @extend_schema(tags=MANAGE_TAGS, request=s.GroupBuyPatchInput, responses={200: s.GroupBuySerializer, 409: CONFLICT})
    def patch(self, request, activity_id: int):
        found_activity(activity_id)
        data = s.GroupBuyPatchInput(data=request.data)
        data.is_valid(raise_exception=True)
        services.update_group_buy(activity_id=activity_id, **data.validated_data)
        return Response(activity_body(found_activity(activity_id)))


class ManageGroupBuyStatusView(ManageView):
    action_name = ""

    @extend_schema(tags=MANAGE_TAGS, request=None, responses={200: s.GroupBuySerializer, 404: NOT_FOUND, 409: CONFLICT})
    def post(self, request, activity_id: int):
        services.change_status(activity_id=activity_id, action=self.action_name)
        return Response(activity_body(found_activity(activity_id)))


class ManageGroupListView(ManageView):
    @extend_schema(tags=MANAGE_TAGS, responses={200: s.ManageGroupSerializer(many=True), 404: NOT_FOUND})
    def get(self, request, activity_id: int):
        row = found_activity(activity_id)
        now = timezone.now()
        groups = row.groups.prefetch_related("participations").order_by("-created", "-id")[:500]
        return Response(
            [
                {
                    "id": g.pk,
                    "status": selectors.group_status(g, now),
                    "group_size": g.size,
                    "joined": g.joined,
                    "virtual_members": g.virtual_members,
                    "expires_at": g.expires_at,
                    "created": g.created,
                    "orders": [
                        p.order_number for p in g.participations.all() if p.status != ParticipationStatus.CANCELLED
                    ],
                }
                for g in groups
            ]
        )


class StoreView(APIView):
    authentication_classes = [MemberTokenAuthentication]
    permission_classes = [AllowAny]


def member_id_of(request) -> int | None:
    return getattr(request.user, "pk", None) if getattr(request.user, "is_authenticated", False) else None


class StoreGroupBuyView(StoreView):
    @extend_schema(tags=STORE_TAGS, responses={200: s.StoreGroupBuySerializer, 404: NOT_FOUND})
    def get(self, request, activity_id: int):
        row = found_activity(activity_id)
        now = timezone.now()
        if row.status == "draft":
            raise NotFound(_("Group buy not found."))
        items = selectors.items_for_sale(row)
        return Response(
            {
                "id": row.pk,
                "title": row.title,
                "status": selectors.activity_status(row, now),
                "starts_at": row.starts_at,
                "ends_at": row.ends_at,
                "group_size": row.group_size,
                "group_sizes": selectors.group_sizes(row),
                "hours_to_form": row.hours_to_form,
                "per_order_limit": row.per_order_limit,
                "leader_discount_amount": row.leader_discount_amount,
                "items": [
                    {
                        **{
                            k: item[k]
                            for k in (
                                "sku_id",
                                "product_id",
                                "title",
                                "specs",
                                "list_price_amount",
                                "price_amount",
                                "leader_price_amount",
                                "ladder",
                                "remaining",
                            )
                        },
                        "image_url": default_storage.url(item["image"]) if item["image"] else None,
                    }
                    for item in items
                    if item["on_sale"]
                ],
                "open_groups": [
                    {"id": g.pk, "group_size": g.size, "joined": g.joined, "expires_at": g.expires_at}
                    for g in selectors.open_groups(row.pk, now)
                ],
            }
        )


class StoreGroupView(StoreView):
    @extend_schema(tags=STORE_TAGS, responses={200: s.StoreGroupSerializer, 404: NOT_FOUND})
    def get(self, request, group_id: int):
        return Response(group_body(request, found_group(group_id), member_id_of(request)))


def group_qr(request, group_id: int):
    """QR of the group's share link (SVG). Public: the link is what is shared."""
    row = selectors.group(group_id)
    if row is None:
        raise Http404
    qr = segno.make(group_links(request, row.pk)["share_url"], error="m")
    response = HttpResponse(content_type="image/svg+xml")
    qr.save(response, kind="svg", scale=8, border=2, xmldecl=False)
    return response


def group_poster(request, group_id: int):
    """The share poster PNG: the item's picture, title, group price, how many are missing, and the QR."""
    row = selectors.group(group_id)
    if row is None:
        raise Http404
    items = selectors.items_for_sale(row.activity)
    item = items[0] if items else None
    prices = row.config.get("prices") or {}
    price = prices.get(str(item["sku_id"])) if item else None
    missing = max(row.size - row.joined, 0)
    png = render_poster(
        url=group_links(request, row.pk)["share_url"],
        shop_name=request.shop.name,
        title=item["title"] if item else row.activity.title,
        price_amount=price if price is not None else (item["price_amount"] if item else None),
        image=item["image"] if item else "",
        caption=_("%(size)s-person group, %(missing)s more needed: scan to join")
        % {"size": row.size, "missing": missing},
        style=FESTIVE,
    )
    return HttpResponse(png, content_type="image/png")
