"""Bargain API: HTTP <-> one service or selector call. Manage endpoints need a platform token with
`marketing.manage` (reads: any role). Store: the activity and a session are public reads (a session is shared by
link); starting and helping need a member token."""

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
from micromall.money import format_money
from micromall.posters import FESTIVE, render_poster
from shared_apps.tenancy.interface import HasShopPermission, Permission
from tenant_apps.members.interface import IsMember, MemberTokenAuthentication

from .. import selectors, services
from . import serializers as s

STORE_TAGS = ["store: bargains"]
MANAGE_TAGS = ["manage: bargains"]
NOT_FOUND = OpenApiResponse(s.BargainErrorSerializer, description="No such bargain or session in this shop.")
CONFLICT = OpenApiResponse(s.BargainErrorSerializer, description="The current state does not allow this.")
FIELDS = ("title", "sku_id", "product_id", "floor_price_amount", "helpers_needed", "hours", "starts_at", "ends_at",
          "stock", "sold", "remaining", "cut_mode", "pay_at_any_price", "per_helper_limit")  # fmt: skip
SESSION_FIELDS = ("start_price_amount", "current_price_amount", "floor_price_amount", "helps", "helpers_needed",
                  "expires_at", "order_number", "created")  # fmt: skip
STORE_FIELDS = ("starts_at", "ends_at", "sku_id", "product_id", "floor_price_amount", "helpers_needed", "hours",
                "pay_at_any_price", "remaining")  # fmt: skip


def activity_body(row) -> dict:
    return {
        "id": row.pk,
        "status": selectors.activity_status(row, timezone.now()),
        **{k: getattr(row, k) for k in FIELDS},
    }


def found_activity(activity_id: int):
    row = selectors.activity(activity_id)
    if row is None:
        raise NotFound(_("Bargain not found."))
    return row


def found_session(session_id: int):
    row = selectors.session(session_id)
    if row is None:
        raise NotFound(_("Bargain session not found."))
    return row


def member_id_of(request) -> int | None:
    return getattr(request.user, "pk", None) if getattr(request.user, "is_authenticated", False) else None


def session_links(request, session_id: int) -> dict:
    return {
        "share_url": request.build_absolute_uri(f"/bargain-sessions/{session_id}"),
        "qr_url": f"/api/v1/store/bargain-sessions/{session_id}/qr.svg",
        "poster_url": f"/api/v1/store/bargain-sessions/{session_id}/poster.png",
    }


def session_body(request, row) -> dict:
    now = timezone.now()
    member_id = member_id_of(request)
    owner = member_id is not None and member_id == row.member_id
    item = selectors.item(row.activity) or {}
    return {
        "id": row.pk,
        "activity_id": row.activity_id,
        "title": row.config.get("title") or row.activity.title,
        "sku_id": row.activity.sku_id,
        "item_title": item.get("title", ""),
        "image_url": default_storage.url(item["image"]) if item.get("image") else None,
        "status": selectors.session_status(row, now),
        "start_price_amount": row.start_price_amount,
        "floor_price_amount": row.floor_price_amount,
        "current_price_amount": row.current_price_amount,
        "helpers_needed": row.helpers_needed,
        "helps": row.helps,
        "helpers": [helper.__dict__ for helper in selectors.helpers(row)],
        "expires_at": row.expires_at,
        "pay_at_any_price": bool(row.config.get("pay_at_any_price")),
        "is_owner": owner,
        "helped": member_id is not None and not owner and selectors.has_helped(row.pk, member_id),
        "can_buy": owner and row.order_id is None and selectors.can_buy(row, now),
        "order_id": row.order_id if owner else None,
        **session_links(request, row.pk),
    }


class ManageView(APIView):
    permission_classes = [HasShopPermission]
    shop_permission = Permission.MARKETING_MANAGE


class ManageBargainListView(ManageView):
    @extend_schema(tags=MANAGE_TAGS, responses=s.BargainSerializer(many=True))
    def get(self, request):
        return Response([activity_body(row) for row in selectors.activities()[:500]])

    @extend_schema(tags=MANAGE_TAGS, request=s.BargainInput, responses={201: s.BargainSerializer})
    def post(self, request):
        data = s.BargainInput(data=request.data)
        data.is_valid(raise_exception=True)
        row = services.create_bargain(**data.validated_data)
        return Response(activity_body(found_activity(row.pk)), status=status.HTTP_201_CREATED)


class ManageBargainDetailView(ManageView):
    @extend_schema(tags=MANAGE_TAGS, responses={200: s.BargainSerializer, 404: NOT_FOUND})
    def get(self, request, activity_id: int):
        return Response(activity_body(found_activity(activity_id)))

    @extend_schema(tags=MANAGE_TAGS, request=s.BargainPatchInput, responses={200: s.BargainSerializer, 409: CONFLICT})
    def patch(self, request, activity_id: int):
        found_activity(activity_id)
        data = s.BargainPatchInput(data=request.data)
        data.is_valid(raise_exception=True)
        services.update_bargain(activity_id=activity_id, **data.validated_data)
        return Response(activity_body(found_activity(activity_id)))


class ManageBargainStatusView(ManageView):
    action_name = ""

    @extend_schema(tags=MANAGE_TAGS, request=None, responses={200: s.BargainSerializer, 404: NOT_FOUND, 409: CONFLICT})
    def post(self, request, activity_id: int):
        services.change_status(activity_id=activity_id, action=self.action_name)
        return Response(activity_body(found_activity(activity_id)))


class ManageSessionListView(ManageView):
    @extend_schema(tags=MANAGE_TAGS, responses={200: s.ManageSessionSerializer(many=True), 404: NOT_FOUND})
    def get(self, request, activity_id: int):
        row = found_activity(activity_id)
        now = timezone.now()
        return Response(
            [
                {
                    "id": x.pk,
                    "member_id": x.member_id,
                    "status": selectors.session_status(x, now),
                    **{k: getattr(x, k) for k in SESSION_FIELDS},
                }
                for x in row.sessions.order_by("-created", "-id")[:500]
            ]
        )


class StoreView(APIView):
    authentication_classes = [MemberTokenAuthentication]
    permission_classes = [AllowAny]


class StoreBargainView(StoreView):
    @extend_schema(tags=STORE_TAGS, responses={200: s.StoreBargainSerializer, 404: NOT_FOUND})
    def get(self, request, activity_id: int):
        row = found_activity(activity_id)
        item = selectors.item(row)
        if row.status == "draft" or item is None:
            raise NotFound(_("Bargain not found."))
        return Response(
            {
                "id": row.pk,
                "title": row.title,
                "status": selectors.activity_status(row, timezone.now()),
                **{k: getattr(row, k) for k in STORE_FIELDS},
                "item_title": item["title"],
                "image_url": default_storage.url(item["image"]) if item["image"] else None,
                "list_price_amount": item["list_price_amount"],
            }
        )


class StoreStartView(StoreView):
    permission_classes = [IsMember]

    @extend_schema(
        tags=STORE_TAGS,
        request=None,
        responses={201: s.StartedSerializer, 200: s.StartedSerializer, 404: NOT_FOUND, 409: CONFLICT},
        description="Start bargaining (201), or get back the member's bargain still running in this activity (200).",
    )
    def post(self, request, activity_id: int):
        row, created = services.start_session(activity_id=activity_id, member_id=request.user.pk)
        body = {"id": row.pk, "current_price_amount": row.current_price_amount, "expires_at": row.expires_at}
        return Response(body, status=status.HTTP_201_CREATED if created else status.HTTP_200_OK)


class StoreSessionView(StoreView):
    @extend_schema(tags=STORE_TAGS, responses={200: s.StoreBargainSessionSerializer, 404: NOT_FOUND})
    def get(self, request, session_id: int):
        return Response(session_body(request, found_session(session_id)))


class StoreMySessionsView(StoreView):
    permission_classes = [IsMember]

    @extend_schema(tags=STORE_TAGS, responses=s.MyBargainSessionSerializer(many=True))
    def get(self, request):
        """The member's bargains, newest first (我的砍价): a session past its time limit is `expired` (已结束)."""
        rows = selectors.sessions_of(request.user.pk)
        found = selectors.items([row.activity for row in rows])
        now = timezone.now()
        return Response([my_session_body(row, found.get(row.activity.sku_id) or {}, now) for row in rows])


def my_session_body(row, item: dict, now) -> dict:
    return {
        "id": row.pk,
        "activity_id": row.activity_id,
        "title": row.config.get("title") or row.activity.title,
        "item_title": item.get("title", ""),
        "image_url": default_storage.url(item["image"]) if item.get("image") else None,
        "status": selectors.session_status(row, now),
        **{k: getattr(row, k) for k in ("current_price_amount", "floor_price_amount", "expires_at", "order_id")},
    }


class StoreHelpView(StoreView):
    permission_classes = [IsMember]

    @extend_schema(tags=STORE_TAGS, request=None, responses={200: s.HelpedSerializer, 404: NOT_FOUND, 409: CONFLICT})
    def post(self, request, session_id: int):
        helped = services.help_session(session_id=session_id, helper_member_id=request.user.pk)
        row = found_session(session_id)
        return Response({"cut_amount": helped.cut_amount, "current_price_amount": row.current_price_amount})


def session_qr(request, session_id: int):
    """QR of the session's share link (SVG). Public: the link is what is shared."""
    row = selectors.session(session_id)
    if row is None:
        raise Http404
    qr = segno.make(session_links(request, row.pk)["share_url"], error="m")
    response = HttpResponse(content_type="image/svg+xml")
    qr.save(response, kind="svg", scale=8, border=2, xmldecl=False)
    return response


def session_poster(request, session_id: int):
    """The share poster PNG: the item's picture and title, the price so far, what is left to cut, and the QR."""
    row = selectors.session(session_id)
    if row is None:
        raise Http404
    item = selectors.item(row.activity) or {}
    left = row.current_price_amount - row.floor_price_amount
    caption = (
        _("Help me cut %(left)s more: scan to help") % {"left": format_money(left)}
        if left > 0
        else _("Bargained down to the floor price: scan to see")
    )
    png = render_poster(
        url=session_links(request, row.pk)["share_url"],
        shop_name=request.shop.name,
        title=item.get("title") or row.config.get("title") or row.activity.title,
        price_amount=row.current_price_amount,
        image=item.get("image", ""),
        caption=caption,
        style=FESTIVE,
    )
    return HttpResponse(png, content_type="image/png")
