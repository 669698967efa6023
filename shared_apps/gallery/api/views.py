from drf_spectacular.utils import extend_schema
from rest_framework import permissions
from rest_framework.response import Response
from rest_framework.views import APIView

from ..selectors import active_templates
from .serializers import TemplateSerializer


class TemplateListView(APIView):
    """The gallery: every template a shop can be launched from."""

    authentication_classes: list = []
    permission_classes = [permissions.AllowAny]

    @extend_schema(responses={200: TemplateSerializer(many=True)}, tags=["gallery"])
    def get(self, request):
        return Response(TemplateSerializer(active_templates(), many=True, context={"request": request}).data)
