"""Billing API (platform host): plans, a shop's subscription and invoices, the Stripe billing webhook."""

import json

import stripe
from django.conf import settings
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import permissions, serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from .. import selectors, services
from ..services import stripe_billing as stripe_sync
from .serializers import (
    FeeEntrySerializer,
    InvoiceSerializer,
    PlanSerializer,
    SubscriptionRequestSerializer,
    SubscriptionSerializer,
)


class PlansView(APIView):
    """The plans on sale (names in the request's language)."""

    permission_classes = [permissions.AllowAny]

    @extend_schema(responses={200: PlanSerializer(many=True)}, tags=["billing"])
    def get(self, request):
        return Response(PlanSerializer(selectors.active_plans(), many=True).data)


class ShopSubscriptionView(APIView):
    """The shop's plan and status; POST starts or changes the plan (owner only). Finance may read."""

    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(responses={200: SubscriptionSerializer}, tags=["billing"])
    def get(self, request, shop_id: int):
        shop = selectors.shop_for_billing(user=request.user, shop_id=shop_id)
        return Response(SubscriptionSerializer(selectors.subscription_of(shop)).data)

    @extend_schema(request=SubscriptionRequestSerializer, responses={200: SubscriptionSerializer}, tags=["billing"])
    def post(self, request, shop_id: int):
        shop = selectors.shop_for_billing(user=request.user, shop_id=shop_id, write=True)
        body = SubscriptionRequestSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        subscription = services.change_plan(shop=shop, plan_code=body.validated_data["plan"], by=request.user)
        if "cancel_at_period_end" in body.validated_data:
            subscription = services.set_cancel_at_period_end(
                shop=shop, cancel=body.validated_data["cancel_at_period_end"]
            )
        subscription.refresh_from_db()
        return Response(SubscriptionSerializer(subscription).data)


class ShopInvoicesView(APIView):
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(responses={200: InvoiceSerializer(many=True)}, tags=["billing"])
    def get(self, request, shop_id: int):
        shop = selectors.shop_for_billing(user=request.user, shop_id=shop_id)
        return Response(InvoiceSerializer(selectors.invoices_for_shop(shop, user=request.user), many=True).data)


class ShopFeeLedgerView(APIView):
    """The shop's technical-fee ledger: one entry per paid order / refund (newest first, last 200)."""

    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(responses={200: FeeEntrySerializer(many=True)}, tags=["billing"])
    def get(self, request, shop_id: int):
        shop = selectors.shop_for_billing(user=request.user, shop_id=shop_id)
        return Response(FeeEntrySerializer(selectors.fee_ledger(shop), many=True).data)


class StripeBillingWebhookView(APIView):
    """Stripe Billing events: signature verified, stored once per event id, replays and stale events are no-ops."""

    authentication_classes: list = []
    permission_classes = [permissions.AllowAny]
    throttle_classes: list = []

    @extend_schema(
        request=None,
        parameters=[OpenApiParameter("Stripe-Signature", str, OpenApiParameter.HEADER, required=True)],
        responses={200: None, 400: None},
        tags=["billing"],
    )
    def post(self, request):
        secret = settings.STRIPE_BILLING_WEBHOOK_SECRET
        if not secret:
            raise serializers.ValidationError({"detail": _("Stripe billing webhooks are not configured.")})
        try:
            stripe.Webhook.construct_event(request.body, request.headers.get("Stripe-Signature", ""), secret)
            payload = json.loads(request.body)  # the verified raw JSON (the SDK's objects hold Decimals)
        except (stripe.SignatureVerificationError, ValueError) as exc:
            raise serializers.ValidationError({"detail": _("Invalid Stripe signature.")}) from exc
        if not isinstance(payload, dict) or not {"id", "type", "created", "data"} <= set(payload):
            raise serializers.ValidationError({"detail": _("Not a Stripe event.")})
        try:
            event_status, duplicate = stripe_sync.receive_event(payload)
        except stripe_sync.EventFailed:
            return Response({"received": True, "status": "failed"}, status=503)  # Stripe retries
        return Response({"received": True, "status": event_status, **({"duplicate": True} if duplicate else {})})
