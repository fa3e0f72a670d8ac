"""Errors that know how they are answered: every refusal a person or a program may see carries
its HTTP status, a stable code, its message (translated when shown) and any headers, so one
small handler (gallery.web.errors) answers all of them alike, as a page or as JSON under /api/.

Each layer subclasses the kinds below for its own errors (access rules here, missing items in
gallery.storage, use-case refusals in gallery.services, API requests in gallery.web.errors).
An exception that is not a DomainError is a bug: Django's 500, with its traceback logged.
"""

from django.utils.translation import gettext_lazy as _


class DomainError(Exception):
    """A refusal with its answer. Subclasses set the class attributes; an instance may replace
    the message (`message=`), e.g. with one naming the case."""

    status = 500
    code = "error"
    message = _("Internal error.")
    # Where the API says it differently (shorter, or in the program's terms).
    api_message = ""
    # The request parameter at fault: the API answers {"errors": {field: [message]}} as well.
    field = ""

    def __init__(self, *args, message=None):
        super().__init__(*args)
        if message is not None:
            self.message = message

    @property
    def for_api(self):
        return self.api_message or self.message

    @property
    def field_errors(self):
        """{field: [message, ...]} for the API, or None."""
        return {self.field: [self.for_api]} if self.field else None

    @property
    def headers(self):
        return {}


class NotFound(DomainError):
    status, code, message = 404, "not_found", _("Not found.")


class Forbidden(DomainError):
    status, code, message = 403, "forbidden", _("Permission denied.")


class Invalid(DomainError):
    status, code, message = 400, "invalid", _("Bad request.")


class Conflict(DomainError):
    status, code = 409, "conflict"


class TooLarge(DomainError):
    status, code, message = 413, "too_large", _("The request is too large.")


class Unavailable(DomainError):
    """A backend (database, S3, DynamoDB, SQS) is down rather than a bug: worth a retry."""

    status, code = 503, "unavailable"
    message = _("Photo storage is not reachable right now. Please try again in a minute.")
    api_message = _("Photo storage is not reachable right now; try again.")
    retry_after = 30  # seconds

    @property
    def headers(self):
        return {"Retry-After": str(self.retry_after)}


class NoSuchPhoto(NotFound):
    """A photo that does not exist, or that the viewer may not see: the same answer for both."""

    message = _("No such photo.")


class NoSuchAlbum(NotFound):
    """An album that does not exist, or that the viewer may not see: the same answer for both."""

    message = _("No such album.")
