"""The agency's cross-shop report (platform host): every client shop's figures for a period, from the rollups."""

from datetime import timedelta

from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import permissions, serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from micromall.errors import NotFound
from shared_apps.agencies.interface import agency_visible_to

from .. import selectors


class AgencyReportQuery(serializers.Serializer):
    locals()["from"] = serializers.DateField(required=False)
    to = serializers.DateField(required=False)

    def validate(self, attrs):
        end = attrs.get("to") or timezone.localdate()
        start = attrs.get("from") or end - timedelta(days=29)
        if start > end:
            raise serializers.ValidationError({"from": [_("The start date is after the end date.")]})
        if (end - start).days + 1 > 366:
            raise serializers.ValidationError({"from": [_("A date range covers at most 366 days.")]})
        return {"start": start, "end": end}


class AgencyShopFiguresSerializer(serializers.Serializer):
    shop_id = serializers.IntegerField()
    name = serializers.CharField()
    subdomain = serializers.CharField()
    visitors = serializers.IntegerField()
    pv = serializers.IntegerField()
    orders = serializers.IntegerField()
    paid_orders = serializers.IntegerField()
    gmv_amount = serializers.IntegerField()
    paying_members = serializers.IntegerField()


class AgencyTotalsSerializer(serializers.Serializer):
    visitors = serializers.IntegerField()
    pv = serializers.IntegerField()
    orders = serializers.IntegerField()
    paid_orders = serializers.IntegerField()
    gmv_amount = serializers.IntegerField()
    paying_members = serializers.IntegerField()


class AgencyReportSerializer(serializers.Serializer):
    locals()["from"] = serializers.DateField()
    to = serializers.DateField()
    shops = AgencyShopFiguresSerializer(many=True)
    totals = AgencyTotalsSerializer()


class AgencyReportView(APIView):
    """Any member of the agency; another agency's id is a 404."""

    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(
        parameters=[OpenApiParameter("from", str), OpenApiParameter("to", str)],
        responses=AgencyReportSerializer,
        tags=["agencies"],
    )
    def get(self, request, agency_id: int):
        if agency_visible_to(user=request.user, agency_id=agency_id) is None:
            raise NotFound(_("No such agency."))
        query = AgencyReportQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        return Response(selectors.agency_report(agency_id, query.validated_data["start"], query.validated_data["end"]))
