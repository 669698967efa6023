"""Loyalty API: HTTP <-> one service or selector call. Store endpoints need a member token (own data only);
merchant endpoints a platform token with a role on this shop (writes: marketing.manage)."""

from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import APIView

from micromall.errors import NotFound
from shared_apps.tenancy.interface import HasShopPermission, Permission
from tenant_apps.members.interface import IsMember, MemberTokenAuthentication

from .. import rules, selectors, services
from ..models import Invitation
from . import serializers as s

CONFLICT = OpenApiResponse(s.LoyaltyErrorSerializer, description="The current state does not allow this.")
INVALID = OpenApiResponse(s.LoyaltyErrorSerializer, description="Field errors; nothing changed.")
STORE_TAGS = ["store: loyalty"]
MANAGE_TAGS = ["manage: loyalty"]
ENTRY_FIELDS = ("id", "kind", "points", "frozen", "order_id", "reason", "created")


class MemberView(APIView):
    authentication_classes = [MemberTokenAuthentication]
    permission_classes = [IsMember]


class ManageView(APIView):
    permission_classes = [HasShopPermission]
    shop_permission = Permission.MARKETING_MANAGE


def settings_body() -> dict:
    row = selectors.loyalty_settings()
    body = {name: getattr(row, name) for name in s.LoyaltySettingsSerializer().fields if name != "levels"}
    body["levels"] = [
        {"name": level.name, "growth_threshold": level.growth_threshold, "discount_percent": level.discount_percent}
        for level in selectors.level_rules()
    ]
    return body


class ManageSettingsView(ManageView):
    @extend_schema(tags=MANAGE_TAGS, responses=s.LoyaltySettingsSerializer)
    def get(self, request):
        return Response(settings_body())

    @extend_schema(
        tags=MANAGE_TAGS,
        request=s.LoyaltySettingsSerializer,
        responses={200: s.LoyaltySettingsSerializer, 400: INVALID},
    )
    def put(self, request):
        data = s.LoyaltySettingsSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        levels = [dict(level) for level in values.pop("levels")]
        if "checkin_cumulative_rewards" in values:
            values["checkin_cumulative_rewards"] = [dict(row) for row in values["checkin_cumulative_rewards"]]
        services.update_settings(levels=levels, **values)
        return Response(settings_body())


def member_ledger(member_id: int, fields=ENTRY_FIELDS) -> dict:
    balance = selectors.points_balance(member_id=member_id)
    return {
        "balance": balance.balance,
        "frozen": balance.frozen,
        "entries": [{name: getattr(e, name) for name in fields} for e in selectors.entries(member_id=member_id)],
    }


class PointsView(MemberView):
    @extend_schema(tags=STORE_TAGS, responses=s.PointsSerializer)
    def get(self, request):
        row = selectors.loyalty_settings()
        return Response(
            {
                **member_ledger(request.user.pk),
                "redeem_points_per_yuan": row.redeem_points_per_yuan,
                "max_redeem_percent": row.max_redeem_percent,
            }
        )


class CheckInView(MemberView):
    @extend_schema(tags=STORE_TAGS, responses=s.CheckInStateSerializer)
    def get(self, request):
        row = selectors.loyalty_settings()
        today = selectors.local_date(timezone.now())
        state = selectors.checkin_state(member_id=request.user.pk, today=today)
        next_streak = state["streak"] + 1  # today's streak day if not checked in yet, else tomorrow's
        return Response(
            {
                "today": today,
                **state,
                "rewards": row.checkin_rewards,
                "cumulative_rewards": row.checkin_cumulative_rewards,
                "next_points": rules.checkin_reward(next_streak, row.checkin_rewards),
            }
        )

    @extend_schema(tags=STORE_TAGS, request=None, responses={201: s.CheckInResponse, 409: CONFLICT})
    def post(self, request):
        checkin = services.check_in(member=request.user)
        return Response({"points": checkin.points, "streak": checkin.streak}, status=status.HTTP_201_CREATED)


class InvitesView(MemberView):
    @extend_schema(tags=STORE_TAGS, responses=s.InvitesSerializer)
    def get(self, request):
        code = services.invite_code(member=request.user)
        rows = selectors.invitations(inviter_id=request.user.pk)[:100]
        return Response(
            {
                "code": code,
                "invite_url": request.build_absolute_uri(f"/account?invite={code}"),
                "invite_points": selectors.loyalty_settings().invite_points,
                "invitations": [
                    {
                        "invitee": masked(row.invitee),
                        "status": row.status,
                        "created": row.created,
                        "rewarded_at": row.rewarded_at,
                    }
                    for row in rows
                ],
            }
        )


def masked(member) -> str:
    """The invitee as the inviter may see them: nickname, or a masked phone / e-mail."""
    if member.nickname:
        return member.nickname
    if member.phone:
        return member.phone[:3] + "****" + member.phone[-4:]
    name, _at, domain = (member.email or "").partition("@")
    return f"{name[:1]}***@{domain}"


class AcceptInviteView(MemberView):
    @extend_schema(
        tags=STORE_TAGS, request=s.InviteCodeInput, responses={201: s.InviteAcceptResponse, 400: INVALID, 409: CONFLICT}
    )
    def post(self, request):
        data = s.InviteCodeInput(data=request.data)
        data.is_valid(raise_exception=True)
        invitation: Invitation = services.accept_invitation(member=request.user, code=data.validated_data["code"])
        return Response({"status": invitation.status}, status=status.HTTP_201_CREATED)


def shop_member(member_id: int):
    member = selectors.member(member_id)
    if member is None:
        raise NotFound(_("No such member."))
    return member


class ManageMemberPointsView(ManageView):
    @extend_schema(tags=MANAGE_TAGS, responses=s.ManagePointsSerializer)
    def get(self, request, member_id: int):
        member = shop_member(member_id)
        level = selectors.level_of(member_id=member.pk)
        return Response(
            {
                "member_id": member.pk,
                **member_ledger(member.pk, (*ENTRY_FIELDS, "by")),
                "growth": selectors.growth_of(member_id=member.pk),
                "level": level.name if level else None,
            }
        )


class ManageAdjustView(ManageView):
    @extend_schema(tags=MANAGE_TAGS, request=s.AdjustInput, responses={201: s.ManageEntrySerializer, 400: INVALID})
    def post(self, request, member_id: int):
        data = s.AdjustInput(data=request.data)
        data.is_valid(raise_exception=True)
        entry = services.adjust_points(member_id=member_id, by=str(request.user), **data.validated_data)
        return Response({name: getattr(entry, name) for name in (*ENTRY_FIELDS, "by")}, status=status.HTTP_201_CREATED)
