"""Member CRM API (客户): the member list with spend, orders, last visit, source, distributor and tags; tags (manual
and rule-based), saved segments, and the coupon hook. A platform token whose role grants members.manage."""

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import APIView

from micromall.api.pagination import PageNumberPagination, page_of
from micromall.errors import NotFound
from shared_apps.tenancy.interface import HasShopPermission, Permission

from .. import crm, services
from ..models import MemberTag, Segment
from . import serializers as s


class CrmView(APIView):
    permission_classes = [HasShopPermission]
    shop_read_permission = Permission.MEMBERS_MANAGE
    shop_permission = Permission.MEMBERS_MANAGE


def rule_of(data: dict) -> dict:
    return {key: value for key, value in (data.get("rule") or {}).items() if value is not None}


def tag_body(tag) -> dict:
    return {"id": tag.pk, "name": tag.name, "kind": tag.kind, "rule": tag.rule,
            "members": getattr(tag, "members", tag.taggings.count())}  # fmt: skip


def segment_body(segment, count: int | None = None) -> dict:
    members = count if count is not None else len(crm.segment_members(segment))
    return {"id": segment.pk, "name": segment.name, "rule": segment.rule, "members": members}


def found(model, pk: int, message: str):
    row = model.objects.filter(pk=pk).first()
    if row is None:
        raise NotFound(message)
    return row


class MemberListView(CrmView):
    @extend_schema(
        parameters=[OpenApiParameter("tag", int), OpenApiParameter("segment", int), OpenApiParameter("page", int)],
        responses=page_of(s.CrmMemberSerializer),
    )
    def get(self, request):
        query = s.CrmMemberQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        rule: dict = {}
        if "tag" in query.validated_data:
            found(MemberTag, query.validated_data["tag"], _("No such tag in this shop."))
            rule["tag_ids"] = [query.validated_data["tag"]]
        ids = crm.members_matching(rule)
        if "segment" in query.validated_data:
            segment = found(Segment, query.validated_data["segment"], _("No such segment in this shop."))
            ids &= crm.segment_members(segment)
        paginator = PageNumberPagination()
        page = paginator.paginate_queryset(sorted(ids, reverse=True), request, view=self)
        return paginator.get_paginated_response(crm.member_rows(page)[::-1])


class TagListView(CrmView):
    @extend_schema(responses=s.CrmTagSerializer(many=True))
    def get(self, request):
        return Response([tag_body(tag) for tag in crm.tags()])

    @extend_schema(request=s.CrmTagSerializer, responses={201: s.CrmTagSerializer})
    def post(self, request):
        body = s.CrmTagSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        tag = services.create_tag(name=data["name"], kind=data["kind"], rule=rule_of(data))
        return Response(tag_body(tag), status=status.HTTP_201_CREATED)


class TagDetailView(CrmView):
    @extend_schema(request=s.CrmTagSerializer, responses=s.CrmTagSerializer)
    def patch(self, request, tag_id: int):
        tag = found(MemberTag, tag_id, _("No such tag in this shop."))
        body = s.CrmTagSerializer(data={"kind": tag.kind, "name": tag.name, **request.data})
        body.is_valid(raise_exception=True)
        rule = rule_of(body.validated_data) if "rule" in request.data else tag.rule
        return Response(tag_body(services.update_tag(tag_id=tag.pk, name=body.validated_data["name"], rule=rule)))

    @extend_schema(responses={204: None})
    def delete(self, request, tag_id: int):
        found(MemberTag, tag_id, _("No such tag in this shop."))
        services.delete_tags(tag_ids=[tag_id])
        return Response(status=status.HTTP_204_NO_CONTENT)


class TagMembersView(CrmView):
    @extend_schema(request=s.CrmTagMembersSerializer, responses=s.CrmTagSerializer)
    def post(self, request, tag_id: int):
        body = s.CrmTagMembersSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        services.tag_members(tag_id=tag_id, member_ids=data["member_ids"], add=not data["remove"])
        return Response(tag_body(found(MemberTag, tag_id, _("No such tag in this shop."))))


class SegmentListView(CrmView):
    @extend_schema(responses=s.CrmSegmentSerializer(many=True))
    def get(self, request):
        return Response([segment_body(segment) for segment in crm.segments()])

    @extend_schema(request=s.CrmSegmentSerializer, responses={201: s.CrmSegmentSerializer})
    def post(self, request):
        body = s.CrmSegmentSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        segment = services.save_segment(name=body.validated_data["name"], rule=rule_of(body.validated_data))
        return Response(segment_body(segment), status=status.HTTP_201_CREATED)


class SegmentDetailView(CrmView):
    @extend_schema(responses=s.CrmSegmentSerializer)
    def get(self, request, segment_id: int):
        return Response(segment_body(found(Segment, segment_id, _("No such segment in this shop."))))

    @extend_schema(responses={204: None})
    def delete(self, request, segment_id: int):
        found(Segment, segment_id, _("No such segment in this shop."))
        services.delete_segments(segment_ids=[segment_id])
        return Response(status=status.HTTP_204_NO_CONTENT)


class SegmentIssueCouponView(CrmView):
    """One coupon of a template to every member of the segment (coupons' stock covers them all, or 409)."""

    @extend_schema(request=s.CrmIssueCouponSerializer, responses={200: s.CrmIssuedSerializer})
    def post(self, request, segment_id: int):
        body = s.CrmIssueCouponSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        issued = services.issue_coupon_to_segment(segment_id=segment_id, coupon_id=body.validated_data["coupon_id"])
        return Response({"issued": issued}, status=status.HTTP_200_OK)
