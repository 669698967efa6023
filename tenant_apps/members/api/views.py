from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import APIView

from micromall.api.auth import TokenEndpointMixin
from micromall.api.errors import InvalidCredentials
from micromall.api.throttling import ScopedRateThrottle
from tenant_apps.checkout.interface import merge_cart_at_sign_in

from ..authentication import IsMember, MemberTokenAuthentication
from ..services import issue_member_token, register_member, revoke_member_token, sign_in_member
from .serializers import (
    MemberProfileSerializer,
    MemberSerializer,
    MemberTokenSerializer,
    RegisterSerializer,
    SignInSerializer,
)


class RegisterView(APIView):
    authentication_classes: list = []
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "signup"

    @extend_schema(request=RegisterSerializer, responses={201: MemberTokenSerializer}, tags=["store: members"])
    def post(self, request):
        serializer = RegisterSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        member = register_member(
            email=data.get("email"), phone=data.get("phone"), password=data["password"], ref=data.get("ref", "")
        )
        body = {"token": issue_member_token(member=member), "member": MemberSerializer(member).data}
        response = Response(body, status=status.HTTP_201_CREATED)
        merge_cart_at_sign_in(request=request, response=response, member=member)
        return response


class SignInView(TokenEndpointMixin, APIView):
    """Sign a member in (POST) or out (DELETE: the presented token stops working)."""

    token_authentication = MemberTokenAuthentication
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "signin"

    @extend_schema(request=SignInSerializer, responses={200: MemberTokenSerializer}, tags=["store: members"])
    def post(self, request):
        serializer = SignInSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        member = sign_in_member(login=data.get("email") or data["phone"], password=data["password"])
        if member is None:
            raise InvalidCredentials()
        body = {"token": issue_member_token(member=member), "member": MemberSerializer(member).data}
        response = Response(body)
        merge_cart_at_sign_in(request=request, response=response, member=member)
        return response

    @extend_schema(request=None, responses={204: None}, tags=["store: members"])
    def delete(self, request):
        revoke_member_token(raw=request.auth)
        return Response(status=status.HTTP_204_NO_CONTENT)


class MeView(APIView):
    authentication_classes = [MemberTokenAuthentication]
    permission_classes = [IsMember]

    @extend_schema(responses={200: MemberProfileSerializer}, tags=["store: members"])
    def get(self, request):
        return Response(MemberProfileSerializer(request.user).data)
