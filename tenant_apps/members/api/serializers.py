from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import serializers

from ..models import Member

PHONE_PATTERN = r"^\+?[0-9]{6,20}$"


class RegisterSerializer(serializers.Serializer):
    email = serializers.EmailField(required=False, max_length=254)
    phone = serializers.RegexField(PHONE_PATTERN, required=False, max_length=20)  # "+" and 20 digits: 21 > column
    password = serializers.CharField(max_length=128, trim_whitespace=False)
    ref = serializers.CharField(required=False, max_length=32, help_text="Distributor code (distribution issue).")

    def validate_email(self, value: str) -> str:
        return value.lower()

    def validate_password(self, value: str) -> str:
        try:
            validate_password(value)
        except DjangoValidationError as exc:
            raise serializers.ValidationError(list(exc.messages)) from None
        return value

    def validate(self, attrs):
        if not attrs.get("email") and not attrs.get("phone"):
            raise serializers.ValidationError({"email": ["需要邮箱或手机号。Email or phone is required."]})
        return attrs


class SignInSerializer(serializers.Serializer):
    email = serializers.CharField(required=False, max_length=254)
    phone = serializers.CharField(required=False, max_length=20)
    password = serializers.CharField(max_length=128, trim_whitespace=False)

    def validate(self, attrs):
        if not attrs.get("email") and not attrs.get("phone"):
            raise serializers.ValidationError({"email": ["需要邮箱或手机号。Email or phone is required."]})
        return attrs


class MemberSerializer(serializers.ModelSerializer):
    class Meta:
        model = Member
        fields = ["id", "email", "phone", "nickname", "created"]


class MemberTokenSerializer(serializers.Serializer):
    token = serializers.CharField()
    member = MemberSerializer()
