from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from ..models import Member

# A mainland mobile number (11 digits, 1[3-9]…) or an international one written with its + country code.
PHONE_PATTERN = r"^(1[3-9][0-9]{9}|\+[0-9]{6,19})$"
PHONE_FORMAT = _("Enter an 11-digit mobile number such as 13812345678, or an international number starting with +.")
EMAIL_OR_PHONE = _("Email or phone is required.")


class RegisterSerializer(serializers.Serializer):
    email = serializers.EmailField(required=False, max_length=254)
    phone = serializers.RegexField(  # "+" and 20 digits: 21 > column
        PHONE_PATTERN, required=False, max_length=20, error_messages={"invalid": PHONE_FORMAT}
    )
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
            raise serializers.ValidationError({"email": [EMAIL_OR_PHONE]})
        return attrs


class SignInSerializer(serializers.Serializer):
    email = serializers.CharField(required=False, max_length=254)
    phone = serializers.CharField(required=False, max_length=20)
    password = serializers.CharField(max_length=128, trim_whitespace=False)

    def validate(self, attrs):
        if not attrs.get("email") and not attrs.get("phone"):
            raise serializers.ValidationError({"email": [EMAIL_OR_PHONE]})
        return attrs


class MemberSerializer(serializers.ModelSerializer):
    class Meta:
        model = Member
        fields = ["id", "email", "phone", "nickname", "created"]


class MemberProfileSerializer(MemberSerializer):
    """The member plus what other apps add through the profile-extras registry (e.g. level, points_balance)."""

    def get_fields(self):
        from ..profile_extras import profile_extra_fields

        return {**super().get_fields(), **profile_extra_fields()}

    def to_representation(self, instance):
        from ..profile_extras import profile_extras

        return {**MemberSerializer(instance).data, **profile_extras(instance)}


class MemberTokenSerializer(serializers.Serializer):
    token = serializers.CharField()
    member = MemberSerializer()
