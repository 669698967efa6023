"""API shapes every marketing tool shares: the activity's own fields (title, window, status) once, each tool's
serializer adds its fields (`class BargainSerializer(ActivitySerializer): ...`). Input serializers check types;
the services check the rules (`check_activity` answers the shared fields)."""

from rest_framework import serializers

from .models import ActivityStatus


class PartialInput:
    """PATCH bodies: the tool's input serializer with every field optional."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, partial=True, **kwargs)


class ActivityInput(serializers.Serializer):
    title = serializers.CharField(max_length=100)
    starts_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField()


class ActivitySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    status = serializers.ChoiceField(choices=ActivityStatus.choices)
    starts_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField()


def id_list() -> serializers.ListField:
    return serializers.ListField(child=serializers.IntegerField(min_value=1, max_value=2**63 - 1), required=False)


class ScopeInput(serializers.Serializer):
    """Which products a coupon or a rule covers: include and exclude lists of product and category ids (each tool
    names its own subclass, so the API schema keeps one component per tool)."""

    products = id_list()
    categories = id_list()
    exclude_products = id_list()
    exclude_categories = id_list()
