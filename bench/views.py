"""Bench-only views: the least work a plain, a shop-routed and a shop-routed-with-rows response can do."""

from django.http import JsonResponse

from tenant_apps.members.models import Member


def plain(request):
    return JsonResponse({"ok": True})


def noquery(request):
    return JsonResponse({"shop": request.tenant.schema_name})


def rows(request):
    members = list(Member.objects.order_by("id").values_list("id", "nickname")[:20])
    return JsonResponse({"shop": request.tenant.schema_name, "rows": members})
