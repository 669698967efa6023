"""`POST /api/v1/payments/stripe/webhook` on the platform host: Stripe Connect events for shop payments."""

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.response import Response
from rest_framework.views import APIView

from .. import services


class StripeConnectWebhookView(APIView):
    authentication_classes: list = []
    permission_classes: list = []
    throttle_classes: list = []  # Stripe's retries must never be throttled away; the signature is the gate

    @extend_schema(
        tags=["payments"],
        request={"application/json": dict},
        responses={200: OpenApiResponse(description="Applied, or a replay (no-op)."), 400: None, 503: None},
        summary="Stripe Connect webhook (payment_intent.*, charge.refunded), signature-verified",
    )
    def post(self, request):
        row = services.receive(payload=request.body, signature=request.headers.get("Stripe-Signature"))
        return Response({"received": True, "status": row.status})
