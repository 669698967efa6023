"""DRF's content negotiation with the common request answered without parsing anything.

Nearly every API call sends no `Accept` header, `*/*` or `application/json`, and no `?format=`: DRF's negotiation
then picks the first renderer, after building the request's query dict and header mapping and parsing the Accept
list (about 4% of an order's CPU in the web worker). Those requests get the same answer here directly; every
other one goes through DRF's negotiation unchanged.
"""

from rest_framework.negotiation import DefaultContentNegotiation


class ContentNegotiation(DefaultContentNegotiation):
    def select_renderer(self, request, renderers, format_suffix=None):
        meta = request._request.META
        first = renderers[0] if renderers else None
        if (
            first is not None
            and format_suffix is None
            and meta.get("HTTP_ACCEPT", "*/*") in ("*/*", first.media_type)
            and f"{self.settings.URL_FORMAT_OVERRIDE}=" not in meta.get("QUERY_STRING", "")
        ):
            return first, first.media_type
        return super().select_renderer(request, renderers, format_suffix)
