from django.conf import settings
from django.contrib.auth import get_user_model, password_validation
from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import serializers

from shared_apps.gallery.interface import template_by_slug

from ..models import Domain, Shop
from ..selectors import shop_url
from ..validators import validate_subdomain

RESERVED_PREFIXES = ("demo-",)  # the gallery's live demo shops

SUBDOMAIN_TAKEN = "这个子域名已被使用。This subdomain is already taken."
EMAIL_TAKEN = "这个邮箱已注册。This email is already registered."


def check_subdomain(value: str) -> str:
    value = value.strip()
    try:
        validate_subdomain(value)
    except DjangoValidationError as exc:
        raise serializers.ValidationError(list(exc.messages)) from exc
    if value.startswith(RESERVED_PREFIXES):
        raise serializers.ValidationError("这个子域名已被保留。This subdomain is reserved.")
    host = f"{value}.{settings.ROOT_DOMAIN}"
    if Shop.objects.filter(subdomain=value).exists() or Domain.objects.filter(domain=host).exists():
        raise serializers.ValidationError(SUBDOMAIN_TAKEN)
    return value


def check_template(value: str) -> str:
    if template_by_slug(value) is None:
        raise serializers.ValidationError("没有这个模板。Unknown template.")
    return value


class ShopCreateSerializer(serializers.Serializer):
    shop_name = serializers.CharField(max_length=100)
    # The database checks run in validate_<field>, i.e. after the field's own validators: passed as
    # `validators=[...]` they would run first and send a NUL byte to PostgreSQL (a 500, not a 400).
    subdomain = serializers.CharField(max_length=63)
    template = serializers.CharField(max_length=50)

    def validate_subdomain(self, value: str) -> str:
        return check_subdomain(value)

    def validate_template(self, value: str) -> str:
        return check_template(value)


class SignupSerializer(ShopCreateSerializer):
    email = serializers.EmailField(max_length=254)
    password = serializers.CharField(max_length=128, trim_whitespace=False, style={"input_type": "password"})

    def validate_email(self, value: str) -> str:
        value = value.strip().lower()
        if get_user_model().objects.filter(email__iexact=value).exists():
            raise serializers.ValidationError(EMAIL_TAKEN)
        return value

    def validate_password(self, value: str) -> str:
        # Field-level (not validate()) so a weak password is reported together with the other fields' errors.
        email = self.initial_data.get("email") if isinstance(self.initial_data, dict) else ""
        user = get_user_model()(email=email if isinstance(email, str) else "")
        try:
            password_validation.validate_password(value, user=user)
        except DjangoValidationError as exc:
            raise serializers.ValidationError(list(exc.messages)) from exc
        return value


class ShopSerializer(serializers.ModelSerializer):
    url = serializers.SerializerMethodField()

    class Meta:
        model = Shop
        fields = ["id", "subdomain", "name", "url", "template", "status"]

    def get_url(self, shop: Shop) -> str:
        return shop_url(shop)


class ShopCreatedSerializer(ShopSerializer):
    """POST /shops answer: the shop, plus a one-time link into its back office (documented for the schema)."""

    admin_login_url = serializers.CharField(help_text="One-time, short-lived link into the shop's back office.")

    class Meta(ShopSerializer.Meta):
        fields = [*ShopSerializer.Meta.fields, "admin_login_url"]


class UserSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    email = serializers.EmailField()


class SignupResponseSerializer(serializers.Serializer):
    user = UserSerializer()
    shop = ShopSerializer()
    token = serializers.CharField()
    admin_login_url = serializers.CharField(help_text="One-time, short-lived link into the shop's back office.")


class ShopListItemSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="shop.id")
    subdomain = serializers.CharField(source="shop.subdomain")
    name = serializers.CharField(source="shop.name")
    url = serializers.SerializerMethodField()
    role = serializers.CharField()
    status = serializers.CharField(source="shop.status")
    agency = serializers.IntegerField(source="shop.agency_id", allow_null=True)

    def get_url(self, membership) -> str:
        return shop_url(membership.shop)


class ShopCreateRequestSerializer(ShopCreateSerializer):
    agency = serializers.IntegerField(required=False, allow_null=True)
