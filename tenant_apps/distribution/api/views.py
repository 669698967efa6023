"""Distribution API: HTTP <-> one service or selector call. Store endpoints need a member token (own data
only); merchant endpoints a platform token with a role on this shop."""

import segno
from django.http import Http404, HttpResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import APIView

from micromall.errors import NotFound
from micromall.posters import render_poster
from shared_apps.tenancy.interface import HasShopPermission, Permission
from tenant_apps.catalog.interface import skus_for_sale
from tenant_apps.members.interface import IsMember, MemberTokenAuthentication

from .. import selectors, services
from . import serializers as s

NOT_DISTRIBUTOR = OpenApiResponse(s.ErrorSerializer, description="The member is not a distributor of this shop.")
CONFLICT = OpenApiResponse(s.ErrorSerializer, description="The current state does not allow this.")
STORE_TAGS = ["store: distribution"]
MANAGE_TAGS = ["manage: distribution"]


class MemberView(APIView):
    authentication_classes = [MemberTokenAuthentication]
    permission_classes = [IsMember]


class ManageView(APIView):
    """Reads: shop.view (every role). Writes: distribution.manage (settings, distributors, bindings, payout
    accounts: owners and admins); the withdrawal views below need withdrawals.manage (finance too)."""

    permission_classes = [HasShopPermission]
    shop_permission = Permission.DISTRIBUTION_MANAGE


class ManageWithdrawalView(ManageView):
    shop_permission = Permission.WITHDRAWALS_MANAGE


def referral_url(request, code: str, product_id: int | None = None) -> str:
    path = reverse("storefront:product", args=[product_id]) if product_id else "/"
    return request.build_absolute_uri(f"{path}?ref={code}")


def my_distributor(request):
    distributor = selectors.distributor_of(member=request.user)
    if distributor is None:
        raise NotFound(_("You are not a distributor of this shop."))
    return distributor


def settings_body(row) -> dict:
    return {field: getattr(row, field) for field in s.SettingsSerializer().fields}


class ManageSettingsView(ManageView):
    @extend_schema(tags=MANAGE_TAGS, responses=s.SettingsSerializer)
    def get(self, request):
        return Response(settings_body(selectors.distribution_settings()))

    @extend_schema(tags=MANAGE_TAGS, request=s.SettingsSerializer, responses=s.SettingsSerializer)
    def put(self, request):
        data = s.SettingsSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        return Response(settings_body(services.update_settings(**data.validated_data)))


class ApplyView(MemberView):
    @extend_schema(tags=STORE_TAGS, request=None, responses={201: s.ApplyResponse, 200: s.ApplyResponse, 409: CONFLICT})
    def post(self, request):
        distributor, created = services.apply(member=request.user)
        return Response(
            {"code": distributor.code, "status": distributor.status},
            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
        )


class MeView(MemberView):
    @extend_schema(tags=STORE_TAGS, responses={200: s.MeSerializer, 404: NOT_DISTRIBUTOR})
    def get(self, request):
        distributor = my_distributor(request)
        upline = selectors.upline_of(member_id=request.user.pk)
        balances = selectors.balances(distributor_id=distributor.pk)
        return Response(
            {
                "code": distributor.code,
                "status": distributor.status,
                "referral_url": referral_url(request, distributor.code),
                "qr_url": request.build_absolute_uri(reverse("distribution-qr", args=[distributor.code, "png"])),
                "tier": distributor.tier.name if distributor.tier_id else None,
                "upline_code": upline.code if upline else None,
                "balances": {
                    "pending_amount": balances.pending_amount,
                    "available_amount": balances.available_amount,
                    "withdrawn_amount": balances.withdrawn_amount,
                },
            }
        )


class TeamView(MemberView):
    @extend_schema(tags=STORE_TAGS, responses={200: s.TeamMemberSerializer(many=True), 404: NOT_DISTRIBUTOR})
    def get(self, request):
        rows = selectors.team(distributor=my_distributor(request))
        return Response(s.TeamMemberSerializer(rows, many=True).data)


class CommissionsView(MemberView):
    @extend_schema(
        tags=STORE_TAGS,
        parameters=[OpenApiParameter("status", str, description="pending, available, withdrawn or reversed")],
        responses={200: s.CommissionSerializer(many=True), 404: NOT_DISTRIBUTOR},
    )
    def get(self, request):
        rows = selectors.commissions(distributor=my_distributor(request), status=request.query_params.get("status"))
        return Response(s.CommissionSerializer(rows, many=True).data)


class WithdrawalsView(MemberView):
    @extend_schema(tags=STORE_TAGS, responses={200: s.WithdrawalSerializer(many=True), 404: NOT_DISTRIBUTOR})
    def get(self, request):
        return Response(
            s.WithdrawalSerializer(selectors.withdrawals(distributor=my_distributor(request)), many=True).data
        )

    @extend_schema(
        tags=STORE_TAGS, request=s.AmountInput, responses={201: s.WithdrawalSerializer, 404: NOT_DISTRIBUTOR}
    )
    def post(self, request):
        data = s.AmountInput(data=request.data)
        data.is_valid(raise_exception=True)
        withdrawal = services.request_withdrawal(member=request.user, amount=data.validated_data["amount"])
        return Response(s.WithdrawalSerializer(withdrawal).data, status=status.HTTP_201_CREATED)


class BindView(MemberView):
    """The storefront calls this when a signed-in shopper arrives with a `ref` (cookie set on ?ref=CODE)."""

    @extend_schema(tags=STORE_TAGS, request=s.CodeInput, responses={200: s.BindResponse})
    def post(self, request):
        data = s.CodeInput(data=request.data)
        data.is_valid(raise_exception=True)
        binding = services.bind(member=request.user, code=data.validated_data["code"], source="link")
        return Response({"distributor_code": binding.distributor.code})


class LeaderboardView(MemberView):
    @extend_schema(tags=STORE_TAGS, responses={200: s.LeaderSerializer(many=True)})
    def get(self, request):
        return Response(selectors.leaderboard())


def qr_code(request, code: str, fmt: str):
    """QR of a distributor's referral link (shop, or ?product=ID); PNG or SVG. Public: codes are shared."""
    distributor = selectors.distributor_by_code(code)
    if not selectors.approved(distributor):
        raise Http404
    product = request.GET.get("product", "")
    product_id = int(product) if product.isdigit() and 0 < int(product) < 2**63 else None
    qr = segno.make(referral_url(request, distributor.code, product_id), error="m")
    response = HttpResponse(content_type="image/png" if fmt == "png" else "image/svg+xml")
    qr.save(response, kind=fmt, scale=8, border=2, **({} if fmt == "png" else {"xmldecl": False}))
    return response


def poster(request, code: str):
    """The share poster PNG for the shop or one SKU (`?sku=ID`): picture, title, price, referral QR."""
    distributor = selectors.distributor_by_code(code)
    if not selectors.approved(distributor):
        raise Http404
    raw = request.GET.get("sku", "")
    sku = None
    if raw.isascii() and raw.isdigit() and 0 < int(raw) < 2**63:
        sku = skus_for_sale([int(raw)]).get(int(raw))
        if sku is None or not sku.on_sale:
            raise Http404
    png = render_poster(
        url=referral_url(request, distributor.code, sku.product_id if sku else None),
        shop_name=request.shop.name,
        title=sku.title if sku else request.shop.name,
        price_amount=sku.price_amount if sku else None,
        image=sku.image if sku else "",
        caption=_("Scan to shop"),
    )
    return HttpResponse(png, content_type="image/png")


class ManageDistributorsView(ManageView):
    @extend_schema(tags=MANAGE_TAGS, responses=s.DistributorSerializer(many=True))
    def get(self, request):
        rows = selectors.distributors()
        wanted = request.query_params.get("status")
        if wanted:
            rows = rows.filter(status=wanted)
        return Response(s.DistributorSerializer(rows[:500], many=True).data)


class ManageDistributorDecisionView(ManageView):
    approve = True

    @extend_schema(tags=MANAGE_TAGS, request=None, responses={200: s.ApplyResponse})
    def post(self, request, distributor_id: int):
        distributor = services.decide_distributor(distributor_id=distributor_id, approve=self.approve)
        return Response({"code": distributor.code, "status": distributor.status})


class ManageWithdrawalsView(ManageWithdrawalView):
    @extend_schema(tags=MANAGE_TAGS, responses=s.WithdrawalSerializer(many=True))
    def get(self, request):
        return Response(s.WithdrawalSerializer(selectors.withdrawals()[:500], many=True).data)


class ManageWithdrawalApproveView(ManageWithdrawalView):
    @extend_schema(
        tags=MANAGE_TAGS,
        request=s.ApproveWithdrawalInput,
        responses={
            200: s.WithdrawalSerializer,
            409: CONFLICT,
            503: OpenApiResponse(s.ErrorSerializer, description="The Stripe transfer failed; still requested."),
        },
    )
    def post(self, request, withdrawal_id: int):
        data = s.ApproveWithdrawalInput(data=request.data)
        data.is_valid(raise_exception=True)
        withdrawal = services.approve_withdrawal(
            withdrawal_id=withdrawal_id, transfer_reference=data.validated_data.get("transfer_reference", "")
        )
        return Response(s.WithdrawalSerializer(withdrawal).data)


class ManageWithdrawalRejectView(ManageWithdrawalView):
    @extend_schema(
        tags=MANAGE_TAGS, request=s.WithdrawalRejectInput, responses={200: s.WithdrawalSerializer, 409: CONFLICT}
    )
    def post(self, request, withdrawal_id: int):
        data = s.WithdrawalRejectInput(data=request.data)
        data.is_valid(raise_exception=True)
        withdrawal = services.reject_withdrawal(withdrawal_id=withdrawal_id, note=data.validated_data.get("note", ""))
        return Response(s.WithdrawalSerializer(withdrawal).data)


class ManagePayoutAccountView(ManageView):
    @extend_schema(tags=MANAGE_TAGS, request=s.PayoutAccountInput, responses={200: s.DistributorSerializer})
    def put(self, request, distributor_id: int):
        data = s.PayoutAccountInput(data=request.data)
        data.is_valid(raise_exception=True)
        distributor = services.set_payout_account(
            distributor_id=distributor_id, stripe_account_id=data.validated_data["stripe_account_id"]
        )
        return Response(s.DistributorSerializer(selectors.distributors().get(pk=distributor.pk)).data)


class ManageRebindView(ManageView):
    @extend_schema(tags=MANAGE_TAGS, request=s.RebindInput, responses={200: s.RebindResponse})
    def post(self, request):
        data = s.RebindInput(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        binding = services.rebind(
            member_id=values["member_id"], code=values["code"], by=str(request.user), reason=values.get("reason", "")
        )
        return Response({"member_id": binding.member_id, "distributor_code": binding.distributor.code})
