"""Data centre API: merchant reports (a platform token whose role grants analytics.view) and the store's event
beacon (shares; views from apps). HTTP <-> one selector or service call."""

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from micromall.errors import Invalid
from shared_apps.tenancy.interface import HasShopPermission, Permission
from tenant_apps.members.interface import MemberTokenAuthentication
from tenant_apps.storefront.interface import product_cards_by_id

from .. import collect, selectors, services
from ..models import EventKind, RecommendationKind
from . import serializers as s

RANGE_PARAMS = [
    OpenApiParameter("from", str, description="YYYY-MM-DD, first day (shop's time zone)"),
    OpenApiParameter("to", str, description="YYYY-MM-DD, last day; at most 366 days in all"),
]


class ReportView(APIView):
    permission_classes = [HasShopPermission]
    shop_read_permission = Permission.ANALYTICS_VIEW
    shop_permission = Permission.BACKOFFICE_EDIT

    def query(self, request, serializer_class):
        query = serializer_class(data=request.query_params)
        query.is_valid(raise_exception=True)
        return query.validated_data


class SummaryView(ReportView):
    @extend_schema(parameters=RANGE_PARAMS, responses=s.AnalyticsSummarySerializer)
    def get(self, request):
        q = self.query(request, s.AnalyticsRangeQuery)
        return Response(selectors.summary(q["start"], q["end"]))


class TimeseriesView(ReportView):
    @extend_schema(
        parameters=[*RANGE_PARAMS, OpenApiParameter("metric", str, enum=list(selectors.METRICS))],
        responses=s.AnalyticsTimeseriesSerializer,
    )
    def get(self, request):
        q = self.query(request, s.AnalyticsTimeseriesQuery)
        return Response({"metric": q["metric"], "points": selectors.timeseries(q["metric"], q["start"], q["end"])})


class TopView(ReportView):
    @extend_schema(
        parameters=[
            *RANGE_PARAMS,
            OpenApiParameter("dimension", str, required=True, enum=list(selectors.DIMENSIONS)),
            OpenApiParameter("limit", int, description="1..100, default 10"),
        ],
        responses=s.AnalyticsTopSerializer,
    )
    def get(self, request):
        q = self.query(request, s.AnalyticsTopQuery)
        rows = selectors.top(q["dimension"], q["start"], q["end"], q["limit"])
        return Response({"dimension": q["dimension"], "results": rows})


class FunnelView(ReportView):
    @extend_schema(parameters=RANGE_PARAMS, responses=s.AnalyticsFunnelStepSerializer(many=True))
    def get(self, request):
        q = self.query(request, s.AnalyticsRangeQuery)
        return Response(selectors.funnel(q["start"], q["end"]))


class FissionView(ReportView):
    @extend_schema(
        parameters=[*RANGE_PARAMS, OpenApiParameter("product_id", int)],
        responses=s.AnalyticsFissionNodeSerializer(many=True),
    )
    def get(self, request):
        q = self.query(request, s.AnalyticsFissionQuery)
        return Response(selectors.fission_tree(q["start"], q["end"], product_id=q["product_id"]))


class SettingsView(ReportView):
    shop_permission = Permission.ANALYTICS_MANAGE  # a shorter retention deletes history: owners and admins

    @extend_schema(responses=s.AnalyticsSettingsSerializer)
    def get(self, request):
        return Response({"retention_days": selectors.analytics_settings().retention_days})

    @extend_schema(request=s.AnalyticsSettingsSerializer, responses=s.AnalyticsSettingsSerializer)
    def put(self, request):
        body = s.AnalyticsSettingsSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        row = services.update_settings(retention_days=body.validated_data["retention_days"])
        return Response({"retention_days": row.retention_days})


class StoreEventView(APIView):
    """The storefront's share button (and apps' views): buffered like page views, nothing written here."""

    authentication_classes = [MemberTokenAuthentication]
    permission_classes = [AllowAny]

    @extend_schema(request=s.StoreEventSerializer, responses={202: s.StoreEventResponse})
    def post(self, request):
        body = s.StoreEventSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        kind, product_id = body.validated_data["kind"], body.validated_data.get("product_id")
        member_id = collect.member_id_of(request)
        visitor = collect.api_visitor(request, member_id)
        if visitor is None:
            raise Invalid(_("Unknown visitor: send the visitor cookie or the X-Visitor-Id header."))
        code = collect.share_code_of(visitor) if kind == EventKind.SHARE else ""
        collect.record(kind, visitor=visitor, member_id=member_id, product_id=product_id, share_code=code)
        return Response({"share_code": collect.share_code_of(visitor)}, status=status.HTTP_202_ACCEPTED)


class StoreRecommendationsView(APIView):
    """看了又看 / 经常一起买 of one product, from the cache (computed by the analytics.recommendations task)."""

    authentication_classes = []
    permission_classes = [AllowAny]

    @extend_schema(
        parameters=[OpenApiParameter("kind", str, enum=RecommendationKind.values)],
        responses=s.RecommendationsResponse,
    )
    def get(self, request, product_id: int):
        query = s.RecommendationsQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        ids = selectors.recommended_ids(query.validated_data["kind"], product_id, query.validated_data["limit"])
        return Response({"results": product_cards_by_id(ids, request.shop.currency)})


class StoreGuessYouLikeView(APIView):
    """猜你喜欢 for this browser (visitor cookie or X-Visitor-Id), best sellers for a new visitor."""

    authentication_classes = []
    permission_classes = [AllowAny]

    @extend_schema(
        parameters=[OpenApiParameter("limit", int, description="1..24, default 6")],
        responses=s.RecommendationsResponse,
    )
    def get(self, request):
        query = s.GuessQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        ids = selectors.guess_you_like(collect.api_visitor(request, None), query.validated_data["limit"])
        return Response({"results": product_cards_by_id(ids, request.shop.currency)})
