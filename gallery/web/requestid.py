"""One id per request, in every log line the request causes and in the X-Request-Id response header.

Behind the load balancer the id is the ALB's X-Amzn-Trace-Id ("Root=1-67891233-abcdef..."), so a
line of the app's log, nginx's access log and the ALB's own logs can be matched; nginx forwards it
(or its own $request_id when there is no ALB) as X-Request-Id. Without either, a fresh id.
"""

import contextvars
import logging
import re
import uuid

from django.core.signals import request_finished
from django.dispatch import receiver

HEADER = "X-Request-Id"
NO_REQUEST = "-"
# What a trace id or nginx's $request_id looks like; anything else (a client's invention, a
# newline meant to forge a log line) is replaced by a fresh id.
_ACCEPTED = re.compile(r"[A-Za-z0-9=;.:_-]{1,200}")
_current = contextvars.ContextVar("request_id", default=NO_REQUEST)


def current():
    """The id of the request being served, or "-" outside one (start-up, management commands)."""
    return _current.get()


def from_headers(meta):
    """The request's id from X-Request-Id, else X-Amzn-Trace-Id, else a new one."""
    for name in ("HTTP_X_REQUEST_ID", "HTTP_X_AMZN_TRACE_ID"):
        value = meta.get(name, "")
        if _ACCEPTED.fullmatch(value):
            return value
    return uuid.uuid4().hex


class RequestIdMiddleware:
    """First in MIDDLEWARE: every other middleware and view logs with the id."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.request_id = from_headers(request.META)
        # Kept until the response is closed (below), not reset on the way out: Django logs a
        # 4xx/5xx ("django.request") after the middleware has returned.
        _current.set(request.request_id)
        response = self.get_response(request)
        response[HEADER] = request.request_id
        return response


@receiver(request_finished, dispatch_uid="photoshare-request-id")
def _forget(**kwargs):
    _current.set(NO_REQUEST)


class RequestIdFilter(logging.Filter):
    """Gives every record a request_id attribute, for the formatter's %(request_id)s."""

    def filter(self, record):
        record.request_id = current()
        return True
