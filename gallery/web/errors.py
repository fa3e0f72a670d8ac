"""Errors to responses, in one place: HTML pages for the site, JSON under /api/.

Every refusal is a gallery.domain.errors.DomainError that carries its status, code, message and
headers (a missing or hidden photo, a bad cursor, a conflicting edit, a backend that is down, an
API request refused as such: `ApiError`). `response_for` answers any of them; the middleware
calls it for what views raise, and Django's handlers below for what Django refuses itself (a
body too large, a missing URL) and for errors raised outside any view (handler500). No view
repeats the mapping.
"""

import logging
import sys
from http import HTTPStatus

from django.core.exceptions import (
    BadRequest,
    PermissionDenied,
    RequestDataTooBig,
    TooManyFieldsSent,
    TooManyFilesSent,
)
from django.db import DatabaseError
from django.http import Http404, HttpResponse, JsonResponse
from django.template import loader
from django.utils.translation import gettext_lazy as _
from django.views import defaults

from gallery.domain.errors import DomainError, Forbidden, Invalid, NotFound, TooLarge, Unavailable
from gallery.services.ratelimit import TooManyRequests

logger = logging.getLogger(__name__)


class ApiError(DomainError):
    """A request the API refuses as such (a method, a field, credentials): its status and a
    message, or per-field `errors` ({field: [message, ...]}) whose messages make the message."""

    def __init__(self, status, message=None, errors=None, headers=None):
        super().__init__(message)
        self.status, self.code = status, HTTPStatus(status).name.lower()
        self.message = message or " ".join(text for texts in (errors or {}).values() for text in texts)
        self.errors, self.extra_headers = errors, headers or {}

    @property
    def field_errors(self):
        return self.errors

    @property
    def headers(self):
        return self.extra_headers


class DatabaseUnavailable(Unavailable):
    code = "database_unavailable"


# What Django (or the database) raises, as the error that carries its answer.
_DJANGO_ERRORS = [
    (DatabaseError, lambda error: DatabaseUnavailable()),
    (RequestDataTooBig, lambda error: TooLarge(message=str(error) or None)),
    (TooManyFilesSent, lambda error: Invalid(message=_("Send one photo per upload (one file part)."))),
    (TooManyFieldsSent, lambda error: Invalid(message=_("The form has too many fields."))),
    (BadRequest, lambda error: Invalid(message=str(error) or None)),
    (PermissionDenied, lambda error: Forbidden(message=str(error) or None)),
    (Http404, lambda error: NotFound()),  # its text is for the site's logs, not for programs
]


def as_domain_error(error):
    """`error` as a DomainError, or None when it is none of ours (a bug: Django's 500)."""
    if isinstance(error, DomainError):
        return error
    return next((make(error) for kind, make in _DJANGO_ERRORS if isinstance(error, kind)), None)


def is_api(request):
    return request.path.startswith("/api/")


def api_response(status, message, errors=None, headers=None):
    """Every JSON error has this shape: {"error": "message"}, and {"errors": {"field": [...]}}
    as well when fields are at fault. "error" is always for a person."""
    body = {"error": str(message)}
    if errors:
        body["errors"] = errors
    response = JsonResponse(body, status=status)
    if status == 401:
        response["WWW-Authenticate"] = 'Token realm="photoshare"'
    for name, value in (headers or {}).items():
        response[name] = value
    return response


_DJANGO_PAGES = {404: (defaults.page_not_found, Http404), 403: (defaults.permission_denied, PermissionDenied)}


def response_for(request, error, *, page_context=True):
    """The response for `error`, or None when it is not ours to answer (Django's 500).
    `page_context=False` renders pages without the request, whose user or session may be
    what failed (handler500)."""
    error = as_domain_error(error)
    if error is None:
        return None
    if isinstance(error, Unavailable):
        logger.error("backend unavailable (%s): %r", error.code, error)  # detail logged where raised
    if is_api(request):
        return api_response(error.status, error.for_api, error.field_errors, error.headers)
    if error.status in _DJANGO_PAGES:
        page, exception = _DJANGO_PAGES[error.status]
        response = page(request, exception(error.message))
    elif error.status == 400:
        response = defaults.bad_request(request, BadRequest(error.message))
    else:
        # backend_down: the header's bell does not ask the backend that just failed again.
        context = {"message": error.message, "backend_down": error.status == 503}
        body = loader.render_to_string("gallery/unavailable.html", context, request if page_context else None)
        response = HttpResponse(body, status=error.status)
    for name, value in error.headers.items():
        response[name] = value
    return response


class ErrorResponseMiddleware:
    """Answers the errors views raise (process_exception), per `response_for`."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if is_api(request) and response.status_code >= 400 and not _is_json(response):
            # An error answered by Django itself (e.g. a decorator's 405): the API's shape too.
            return api_response(response.status_code, response.reason_phrase + ".")
        return response

    def process_exception(self, request, exception):
        # Django's own refusals (Http404, PermissionDenied, ...) go on to its handlers below.
        if isinstance(exception, (DomainError, DatabaseError)):
            return response_for(request, exception)
        return None


def _is_json(response):
    return response.get("Content-Type", "").startswith("application/json")


# --- Django's error handlers (photoshare/urls.py): the same answers ------------------------------
def refused_by_django(request, exception):
    """handler400, handler403 and handler404: what Django refuses itself (a body over the limit is
    a 413, too many files or fields a 400, a missing URL a 404); any other SuspiciousOperation is
    a plain 400."""
    return response_for(request, exception) or response_for(request, Invalid())


def server_error(request):
    """handler500: errors raised outside any view (middleware included) get the same answers;
    anything else is Django's 500 page, or a JSON 500 under /api/."""
    response = response_for(request, sys.exc_info()[1], page_context=False)
    if response is not None:
        return response
    if is_api(request):
        return response_for(request, DomainError())
    return defaults.server_error(request)


def too_many_requests(request):
    """handler429, which allauth's rate limits answer through: our 429 page (or JSON). allauth
    does not say when its window frees up; a minute is its shortest one."""
    return response_for(request, TooManyRequests(retry_after=60))
