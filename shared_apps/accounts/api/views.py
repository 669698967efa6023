from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import APIView

from micromall.api.errors import InvalidCredentials
from micromall.api.throttling import ScopedRateThrottle

from ..services import issue_token, sign_in
from .serializers import TokenRequestSerializer, TokenResponseSerializer


class TokenView(APIView):
    """Exchange a platform account's email and password for a bearer token."""

    authentication_classes: list = []
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "signin"

    @extend_schema(request=TokenRequestSerializer, responses={200: TokenResponseSerializer}, tags=["auth"])
    def post(self, request):
        serializer = TokenRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        user = sign_in(**serializer.validated_data)
        if user is None:
            raise InvalidCredentials()
        return Response({"token": issue_token(user=user)}, status=status.HTTP_200_OK)
