"""The error shape of API.md: 400 `{"errors": {field: [messages]}}` or `{"detail": "..."}`."""

from django.core.exceptions import PermissionDenied, RequestDataTooBig, SuspiciousOperation
from django.http import Http404
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from micromall.errors import ApplicationError

NON_FIELD_KEYS = ("non_field_errors", "__all__")


def _flatten(detail):
    """ErrorDetail trees -> plain lists of strings, nested keys joined with dots (`skus.0.price_amount`)."""
    if isinstance(detail, dict):
        out: dict[str, list[str]] = {}
        for key, value in detail.items():
            flat = _flatten(value)
            if isinstance(flat, dict):
                for sub, messages in flat.items():
                    out[f"{key}.{sub}"] = messages
            else:
                out[str(key)] = flat
        return out
    if isinstance(detail, list):
        if any(isinstance(item, (dict, list)) for item in detail):
            out = {}
            for index, item in enumerate(detail):
                flat = _flatten(item)
                if isinstance(flat, dict):
                    for sub, messages in flat.items():
                        out[f"{index}.{sub}"] = messages
                elif flat:
                    out[str(index)] = flat
            return out
        return [str(item) for item in detail]
    return [str(detail)]


def validation_payload(detail) -> dict:
    flat = _flatten(detail)
    if not isinstance(flat, dict):
        return {"detail": " ".join(flat)}
    non_field = [m for key in NON_FIELD_KEYS for m in flat.pop(key, [])]
    if not flat:
        return {"detail": " ".join(non_field)}
    if non_field:
        flat["detail"] = non_field
    return {"errors": flat}


def application_error_payload(exc: ApplicationError) -> dict:
    if exc.errors:
        payload: dict = {"errors": exc.errors}
        if exc.message:
            payload["detail"] = exc.message
    else:
        payload = {"detail": exc.message}
    payload.update(exc.extra)
    return payload


def exception_handler(exc, context):
    if isinstance(exc, ApplicationError):
        return Response(application_error_payload(exc), status=exc.status)
    if isinstance(exc, RequestDataTooBig):
        return Response({"detail": "Request body is too large."}, status=status.HTTP_413_REQUEST_ENTITY_TOO_LARGE)
    if isinstance(exc, SuspiciousOperation):
        return Response({"detail": "Bad request."}, status=status.HTTP_400_BAD_REQUEST)
    if isinstance(exc, exceptions.ValidationError):
        return Response(validation_payload(exc.detail), status=status.HTTP_400_BAD_REQUEST)
    if isinstance(exc, exceptions.ParseError):
        return Response({"detail": str(exc.detail)}, status=status.HTTP_400_BAD_REQUEST)
    if isinstance(exc, (Http404, PermissionDenied)):
        return drf_exception_handler(exc, context)
    response = drf_exception_handler(exc, context)
    if response is not None and isinstance(response.data, dict) and "detail" not in response.data:
        response.data = validation_payload(response.data)
    return response


class Conflict(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = "The request conflicts with the current state."
    default_code = "conflict"


class InvalidCredentials(exceptions.APIException):
    """Wrong login or password on a sign-in endpoint: 401 even where no auth scheme is configured."""

    status_code = status.HTTP_401_UNAUTHORIZED
    default_detail = "账号或密码错误。Login or password is incorrect."
    default_code = "invalid_credentials"
