from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import APIView

from micromall.api.auth import TokenEndpointMixin
from micromall.api.errors import InvalidCredentials
from micromall.api.throttling import ScopedRateThrottle

from ..authentication import PlatformTokenAuthentication
from ..services import issue_token, revoke_token, sign_in
from .serializers import TokenRequestSerializer, TokenResponseSerializer


class TokenView(TokenEndpointMixin, APIView):
    """Exchange a platform account's email and password for a bearer token; DELETE revokes it."""

    token_authentication = PlatformTokenAuthentication
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

    @extend_schema(request=None, responses={204: None}, tags=["auth"])
    def delete(self, request):
        revoke_token(raw=request.auth)
        return Response(status=status.HTTP_204_NO_CONTENT)
