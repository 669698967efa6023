"""Request parsers of the API kernel: JSON bodies bounded in depth and free of NUL characters
(micromall/json_limits.py says why), refused with a 400 before any view or serializer sees them."""

from django.conf import settings
from rest_framework import parsers
from rest_framework.exceptions import ParseError, ValidationError
from rest_framework.settings import api_settings

from micromall.json_limits import json_problems, nul_message, too_deep_message


def check_json(value, max_depth: int) -> None:
    """ParseError when `value` nests deeper than `max_depth`, else ValidationError naming every field with a NUL."""
    too_deep, with_nul = json_problems(value, max_depth)
    if too_deep:
        raise ParseError(too_deep_message())
    if with_nul:
        raise ValidationError({path or api_settings.NON_FIELD_ERRORS_KEY: [nul_message()] for path in with_nul})


class JSONParser(parsers.JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError:  # the C decoder gives up near the interpreter's recursion limit
            raise ParseError(too_deep_message()) from None
        check_json(data, settings.MAX_JSON_DEPTH)
        return data
