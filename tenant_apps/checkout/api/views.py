"""Storefront API: cart, address book and checkout preview (HTTP <-> one service/selector call)."""

from django.conf import settings
from django.core.files.storage import default_storage
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from micromall.api.pagination import PageNumberPagination, page_of
from tenant_apps.analytics.interface import EventKind, track
from tenant_apps.members.interface import IsMember, MemberTokenAuthentication

from .. import selectors, services
from ..interface import CART_COOKIE
from ..quotes import CheckoutQuote, quote
from .serializers import (
    AddressSerializer,
    CartItemRequestSerializer,
    CartLineUpdateSerializer,
    CartSelectSerializer,
    CartSerializer,
    PreviewRequestSerializer,
    PreviewSerializer,
)

TAGS = ["store: checkout"]
CART_COOKIE_SECONDS = 30 * 24 * 3600


def image_url(name: str) -> str | None:
    return default_storage.url(name) if name else None


def member_of(request):
    return request.user if getattr(request.user, "is_authenticated", False) and request.auth else None


def json_object(request) -> dict:
    if not isinstance(request.data, dict):
        raise ValidationError({"detail": [_("The body must be a JSON object.")]})
    return request.data


def set_cart_cookie(response: Response, token: str) -> None:
    # Lax: a cross-site form cannot add to a shopper's cart; HttpOnly: page scripts never need the token.
    response.set_cookie(
        CART_COOKIE,
        token,
        max_age=CART_COOKIE_SECONDS,
        httponly=True,
        samesite="Lax",
        secure=settings.SITE_SCHEME == "https",
    )


def quote_body(priced: CheckoutQuote) -> dict:
    return {
        "lines": [
            {
                "sku_id": line.sku_id,
                "product_id": line.product_id,
                "title": priced.skus[line.sku_id].title,
                "specs": priced.skus[line.sku_id].specs,
                "image_url": image_url(priced.skus[line.sku_id].image),
                "quantity": line.quantity,
                "unit_price_amount": line.unit_price_amount,
                "subtotal_amount": line.subtotal_amount,
                "discount_amount": line.discount_amount,
                "total_amount": line.total_amount,
            }
            for line in priced.lines
        ],
        "gifts": [{"sku_id": gift.sku_id, "quantity": gift.quantity, "code": gift.code} for gift in priced.gifts],
        "points_used": priced.points_used,
        "shipping_discount_amount": priced.shipping_discount_amount,
        "subtotal_amount": priced.subtotal_amount,
        "discount_amount": priced.discount_amount,
        "shipping_amount": priced.shipping_amount,
        "total_amount": priced.total_amount,
        "currency": priced.currency,
        "address_id": priced.address.pk if priced.address else None,
        "applied": [
            {
                "kind": applied.kind,
                "code": applied.code,
                "name": applied.name,
                "amount": applied.amount,
                "lines": [{"sku_id": al.sku_id, "amount": al.amount} for al in applied.lines],
            }
            for applied in priced.applied
        ],
    }


class CheckoutPreviewView(APIView):
    """The priced order before it is placed. Guests may preview; `address_id` needs the member's token."""

    authentication_classes = [MemberTokenAuthentication]
    permission_classes = [AllowAny]
    prefetch_shop_snapshots = ("POST",)  # pricing reads them: they come with the throttle's round trip

    @extend_schema(request=PreviewRequestSerializer, responses={200: PreviewSerializer}, tags=TAGS)
    def post(self, request):
        body = PreviewRequestSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        priced = quote(
            items=[(item["sku_id"], item["quantity"]) for item in data["items"]],
            member=member_of(request),
            address=data.get("address_id"),
            coupon_code=data.get("coupon_code"),
            points=data.get("points"),
            activity=data.get("activity"),
        )
        return Response(quote_body(priced))


# --- cart --------------------------------------------------------------------------------------------------


class CartBase(APIView):
    """The shopper's cart: the member's (bearer token) or the guest's (`mm_cart` cookie)."""

    authentication_classes = [MemberTokenAuthentication]
    permission_classes = [AllowAny]

    def identity(self, request) -> dict:
        member = member_of(request)
        return {"member": member, "token": None if member else request.COOKIES.get(CART_COOKIE)}

    def current_cart(self, request):
        return selectors.find_cart(**self.identity(request))

    def cart_response(self, request, cart=None, code: int = status.HTTP_200_OK) -> Response:
        cart = cart if cart is not None else self.current_cart(request)
        return Response(selectors.cart_contents(cart, request.shop.currency), status=code)


class CartView(CartBase):
    @extend_schema(responses={200: CartSerializer}, tags=TAGS)
    def get(self, request):
        return self.cart_response(request)

    @extend_schema(request=CartSelectSerializer, responses={200: CartSerializer}, tags=TAGS)
    def patch(self, request):
        """Select or unselect every line."""
        body = CartSelectSerializer(data=json_object(request))
        body.is_valid(raise_exception=True)
        cart = self.current_cart(request)
        services.select_all_cart_lines(cart=cart, selected=body.validated_data["selected"])
        return self.cart_response(request, cart)


class CartItemsView(CartBase):
    @extend_schema(request=CartItemRequestSerializer, responses={201: CartSerializer}, tags=TAGS)
    def post(self, request):
        body = CartItemRequestSerializer(data=json_object(request))
        body.is_valid(raise_exception=True)
        cart, new_token = services.add_to_cart(
            **self.identity(request), sku_id=body.validated_data["sku_id"], quantity=body.validated_data["quantity"]
        )
        response = self.cart_response(request, cart, status.HTTP_201_CREATED)
        if new_token:
            set_cart_cookie(response, new_token)
        sku_id = body.validated_data["sku_id"]
        added = [line["product_id"] for line in response.data.get("lines", []) if line["sku_id"] == sku_id]
        track(request, EventKind.ADD_TO_CART, product_id=added[0] if added else None)
        return response


class CartItemView(CartBase):
    @extend_schema(request=CartLineUpdateSerializer, responses={200: CartSerializer}, tags=TAGS)
    def patch(self, request, line_id: int):
        body = CartLineUpdateSerializer(data=json_object(request))
        body.is_valid(raise_exception=True)
        cart = self.current_cart(request)
        services.update_cart_line(cart=cart, line_id=line_id, **body.validated_data)
        return self.cart_response(request, cart)

    @extend_schema(responses={200: CartSerializer}, tags=TAGS)
    def delete(self, request, line_id: int):
        cart = self.current_cart(request)
        services.remove_cart_line(cart=cart, line_id=line_id)
        return self.cart_response(request, cart)


# --- address book ------------------------------------------------------------------------------------------


class MemberView(APIView):
    authentication_classes = [MemberTokenAuthentication]
    permission_classes = [IsMember]


def address_or_404(request, address_id: int):
    address = selectors.member_address(member=request.user, address_id=address_id)
    if address is None:
        raise NotFound(_("No such address."))
    return address


class AddressListView(MemberView):
    @extend_schema(operation_id="store_addresses_list", responses=page_of(AddressSerializer), tags=TAGS)
    def get(self, request):
        paginator = PageNumberPagination()
        page = paginator.paginate_queryset(selectors.member_addresses(request.user), request, view=self)
        return paginator.get_paginated_response(AddressSerializer(page, many=True).data)

    @extend_schema(request=AddressSerializer, responses={201: AddressSerializer}, tags=TAGS)
    def post(self, request):
        address = services.create_address(member=request.user, data=dict(json_object(request)))
        return Response(AddressSerializer(address).data, status=status.HTTP_201_CREATED)


class AddressDetailView(MemberView):
    @extend_schema(responses=AddressSerializer, tags=TAGS)
    def get(self, request, address_id: int):
        return Response(AddressSerializer(address_or_404(request, address_id)).data)

    @extend_schema(request=AddressSerializer, responses=AddressSerializer, tags=TAGS)
    def patch(self, request, address_id: int):
        address = services.update_address(member=request.user, address_id=address_id, data=dict(json_object(request)))
        return Response(AddressSerializer(address).data)

    @extend_schema(responses={204: None}, tags=TAGS)
    def delete(self, request, address_id: int):
        services.delete_address(member=request.user, address_id=address_id)
        return Response(status=status.HTTP_204_NO_CONTENT)


class AddressDefaultView(MemberView):
    @extend_schema(request=None, responses=AddressSerializer, tags=TAGS)
    def post(self, request, address_id: int):
        address = services.set_default_address(member=request.user, address_id=address_id)
        return Response(AddressSerializer(address).data)
