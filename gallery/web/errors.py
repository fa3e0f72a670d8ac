"""Errors to responses, in one place: HTML pages for the site, JSON under /api/.

Views and API views raise domain errors (a missing or hidden photo, a bad cursor, a
conflicting edit, a backend that is down) and request errors (`ApiError`); the middleware
below turns them into responses, and handler500 does the same for errors raised outside any
view (e.g. the session store's database refusing connections). No view repeats the mapping.
"""

import logging
import sys
from dataclasses import dataclass

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
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import defaults

from gallery.domain.access import AlbumChangeNotAllowed, AlbumHidden, ChangeNotAllowed, PhotoHidden
from gallery.domain.limits import LIMITS
from gallery.services import photos
from gallery.services.albums import AlbumRefused
from gallery.services.ratelimit import TooManyRequests
from gallery.storage.dynamodb import (
    AlbumChanged,
    AlbumNotFound,
    AlreadyInAlbum,
    InvalidCursor,
    MetadataUnavailable,
    NotInAlbum,
    PhotoChanged,
    PhotoNotFound,
)
from gallery.storage.s3.backend import MediaUnavailable
from gallery.storage.sqs import JobsUnavailable

logger = logging.getLogger(__name__)

UNAVAILABLE_MESSAGE = gettext_lazy("Photo storage is not reachable right now. Please try again in a minute.")
RETRY_AFTER_SECONDS = 30
# A backend (database, S3, DynamoDB) that is down rather than a bug: worth a retry.
BACKEND_ERRORS = (DatabaseError, MetadataUnavailable, MediaUnavailable, JobsUnavailable)


class ApiError(Exception):
    """A request the API refuses: its status and either a message or per-field errors."""

    def __init__(self, status, message=None, errors=None, headers=None):
        super().__init__(message)
        self.status, self.message, self.errors = status, message, errors
        self.headers = headers or {}


@dataclass(frozen=True)
class Answer:
    status: int
    message: str
    api_message: str = ""  # where the API says it differently
    field: str = ""  # the API names the parameter at fault: {"errors": {field: [message]}}

    @property
    def for_api(self):
        return self.api_message or self.message


def answer_for(error):
    """The status and message for a domain error, or None for anything else (a bug: 500)."""
    if isinstance(error, (PhotoNotFound, PhotoHidden)):  # a hidden photo is a missing one
        return Answer(404, _("No such photo."))
    if isinstance(error, ChangeNotAllowed):
        return Answer(403, _("Only the owner can change this photo."))
    if isinstance(error, (AlbumNotFound, AlbumHidden)):  # a hidden album is a missing one
        return Answer(404, _("No such album."))
    if isinstance(error, AlbumChangeNotAllowed):
        return Answer(403, _("Only the owner can change this album."))
    if isinstance(error, NotInAlbum):
        return Answer(404, _("That photo is not in this album."))
    if isinstance(error, AlreadyInAlbum):
        return Answer(409, _("The photo is in this album already."))
    if isinstance(error, AlbumChanged):
        return Answer(409, _("The album was changed meanwhile; read it again and retry."))
    if isinstance(error, AlbumRefused):
        return Answer(400, error.message)
    if isinstance(error, InvalidCursor):
        return Answer(
            400, _("That page link is not valid."), _("Not a cursor this list issued."), field="cursor"
        )
    if isinstance(error, PhotoChanged):
        return Answer(409, _("The photo was changed since you read it; read it again and retry."))
    if isinstance(error, TooManyRequests):
        return Answer(429, error.message)
    if isinstance(error, photos.PhotoNotReady):
        return Answer(409, _("The photo is still being processed; it can be changed once it is ready."))
    if isinstance(error, photos.UploadNotFound):
        return Answer(404, _("No such upload."))
    if isinstance(error, photos.UploadAlreadyCompleted):
        return Answer(409, _("This upload was already completed; its photo is at /api/photos/<upload_id>/."))
    if isinstance(error, photos.UploadMissing):
        return Answer(
            400,
            _(
                "No file has been uploaded for this upload yet: POST the file to the upload URL first "
                "(it is valid for a few minutes; start a new upload after that)."
            ),
        )
    if isinstance(error, photos.UploadTooLarge):
        return Answer(413, LIMITS.file_too_large_message(error.args[0]))
    if isinstance(error, photos.PublishFailed):
        return Answer(
            503,
            _("Your photo could not be stored. Please try again."),
            _("The photo could not be stored; try again."),
        )
    if isinstance(error, BACKEND_ERRORS):
        return Answer(503, UNAVAILABLE_MESSAGE, _("Photo storage is not reachable right now; try again."))
    return None


def is_api(request):
    return request.path.startswith("/api/")


def api_response(status, message=None, errors=None, headers=None):
    """Every JSON error has this shape: {"error": "message"}, and {"errors": {"field": [...]}}
    as well when fields are at fault. "error" is always for a person: with field errors and no
    message of its own, their messages, without the fields' names."""
    body = {"error": message or " ".join(text for messages in (errors or {}).values() for text in messages)}
    if errors:
        body["errors"] = errors
    response = JsonResponse(body, status=status)
    if status == 401:
        response["WWW-Authenticate"] = 'Token realm="photoshare"'
    for name, value in (headers or {}).items():
        response[name] = value
    return response


def response_for(request, error, *, page_context=True):
    """The response for `error`, or None when it is not ours to answer (Django's 500).
    `page_context=False` renders pages without the request, whose user or session may be
    what failed (handler500)."""
    if isinstance(error, ApiError):
        return api_response(error.status, error.message, error.errors, error.headers)
    answer = answer_for(error)
    if answer is None:
        return None
    if isinstance(error, BACKEND_ERRORS):
        logger.error("backend unavailable: %r", error)  # its detail was logged where it was raised
    if is_api(request):
        field_errors = {answer.field: [answer.for_api]} if answer.field else None
        response = api_response(answer.status, answer.for_api, field_errors)
    elif answer.status == 404:
        response = defaults.page_not_found(request, Http404(answer.message))
    elif answer.status == 403:
        response = defaults.permission_denied(request, PermissionDenied(answer.message))
    elif answer.status == 400:
        response = defaults.bad_request(request, BadRequest(answer.message))
    else:
        body = loader.render_to_string(
            "gallery/unavailable.html", {"message": answer.message}, request if page_context else None
        )
        response = HttpResponse(body, status=answer.status)
    if answer.status == 503:
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    if isinstance(error, TooManyRequests):
        response["Retry-After"] = str(error.retry_after)
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
        return response_for(request, exception)


def _is_json(response):
    return response.get("Content-Type", "").startswith("application/json")


# --- Django's error handlers (photoshare/urls.py): JSON under /api/, pages elsewhere -----------
def bad_request(request, exception):
    """handler400: Django's own refusals of a request (SuspiciousOperation, BadRequest) come here.
    A body over the limit is a 413; too many files or fields, a malformed header a 400."""
    if isinstance(exception, RequestDataTooBig):
        status, message = 413, str(exception) or _("The request is too large.")
    elif isinstance(exception, TooManyFilesSent):
        status, message = 400, _("Send one photo per upload (one file part).")
    elif isinstance(exception, TooManyFieldsSent):
        status, message = 400, _("The form has too many fields.")
    elif isinstance(exception, BadRequest) and str(exception):
        status, message = 400, str(exception)
    else:
        status, message = 400, _("Bad request.")
    if is_api(request):
        return api_response(status, message)
    if status == 400:
        return defaults.bad_request(request, BadRequest(message))
    body = loader.render_to_string("gallery/unavailable.html", {"message": message}, request)
    return HttpResponse(body, status=status)


def permission_denied(request, exception):
    if is_api(request):
        return api_response(403, str(exception) or _("Permission denied."))
    return defaults.permission_denied(request, exception)


def page_not_found(request, exception):
    if is_api(request):
        return api_response(404, _("Not found."))
    return defaults.page_not_found(request, exception)


def server_error(request):
    """handler500: errors raised outside any view (middleware included) get the same answers;
    anything else is Django's 500 page, or a JSON 500 under /api/."""
    response = response_for(request, sys.exc_info()[1], page_context=False)
    if response is not None:
        return response
    if is_api(request):
        return api_response(500, _("Internal error."))
    return defaults.server_error(request)
