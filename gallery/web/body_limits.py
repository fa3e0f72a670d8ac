"""Request body limits: the whole body of every request, and each uploaded file while it streams.

`RequestBodyLimitMiddleware` runs before anything reads the body (CSRF reads POST): a
Content-Length that is not a number is a 400 everywhere; a body longer than LIMITS.form_bytes
is a 413 on every view but an upload (`accepts_upload`), whose body is counted while it
streams: the file by the handler below, the other fields by Django (DATA_UPLOAD_MAX_MEMORY_SIZE),
and DATA_UPLOAD_MAX_NUMBER_FILES (1) refuses a second file part before reading it. The WSGI
input is bounded by Content-Length, so no request reads past its declared length.

Django's upload handlers see an upload in chunks (64 KB) as it is read from the socket.
`SizeLimitedUploadHandler` runs first and stops the parser as soon as one file passes
PHOTOSHARE_MAX_UPLOAD_BYTES: nothing past the limit is kept, in memory or on disk, and the
view answers 413 (see `file_stopped`).

What happens to the rest of the body depends on its declared size. A file somewhat over the
limit (the body at most twice the limit) is read to its end and thrown away, so the browser,
which is still sending, receives the 413 page. A body far larger is not read at all
(`connection_reset`): the worker is free at once, and the client sees the connection close.
"""

import logging
import re

from django.core.exceptions import BadRequest, RequestDataTooBig
from django.core.files.uploadhandler import FileUploadHandler, StopUpload
from django.utils.translation import gettext as _

from gallery.domain.limits import LIMITS

logger = logging.getLogger(__name__)

_REJECTED_ATTRIBUTE = "_photoshare_upload_too_large"
_CONTENT_LENGTH = re.compile(r"[0-9]{1,19}")  # RFC 9110: 1*DIGIT (and no more than an int64)
_DRAIN_CHUNK = 64 * 1024


def accepts_upload(view):
    """Mark a view as taking a photo upload: its body may be one file plus the form."""
    view.accepts_upload = True
    return view


class RequestBodyLimitMiddleware:
    """Refuse a malformed or too long Content-Length before the body is read (see module doc)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        declared = request.META.get("CONTENT_LENGTH") or "0"
        if not _CONTENT_LENGTH.fullmatch(declared):
            raise BadRequest(_("The Content-Length header is not a number of bytes."))
        return self.get_response(request)

    def process_view(self, request, view, args, kwargs):
        if getattr(view, "accepts_upload", False):
            # Counted while streaming: the file by SizeLimitedUploadHandler, the other fields by
            # Django (DATA_UPLOAD_MAX_MEMORY_SIZE), one file part only; the page keeps the form.
            return None
        limit = LIMITS.form_bytes
        length = int(request.META.get("CONTENT_LENGTH") or 0)
        if length > limit:
            logger.info("refused a %d-byte body for %s (limit %d)", length, request.path, limit)
            if length <= 2 * limit:
                _discard(request)  # the browser is still sending: read it so it sees the answer
            raise RequestDataTooBig(LIMITS.body_too_large_message(limit))
        return None


def _discard(request):
    stream = request.META["wsgi.input"]
    remaining = int(request.META.get("CONTENT_LENGTH") or 0)
    while remaining > 0:
        chunk = stream.read(min(_DRAIN_CHUNK, remaining))
        if not chunk:
            break
        remaining -= len(chunk)


class SizeLimitedUploadHandler(FileUploadHandler):
    def __init__(self, request=None):
        super().__init__(request)
        self.limit = LIMITS.upload_bytes
        self.body, self.body_length = None, 0

    def handle_raw_input(self, input_data, META, content_length, boundary, encoding=None):
        self.body = input_data
        self.body_length = content_length  # of the whole request (new_file's is per file)
        return None  # parse as usual

    def receive_data_chunk(self, raw_data, start):
        if start + len(raw_data) > self.limit:
            reset = self.body_length > 2 * self.limit
            logger.info(
                "upload of %r stopped past %d bytes of a %d-byte body (%s)",
                self.file_name,
                self.limit,
                self.body_length,
                "connection closed" if reset else "rest discarded",
            )
            if self.request is not None:
                setattr(self.request, _REJECTED_ATTRIBUTE, True)
            if not reset:
                # Django's own draining (connection_reset=False) reads by lines, so a body with
                # no newline would come back as one string; read fixed-size chunks instead.
                while self.body.read(self.chunk_size):
                    pass
            raise StopUpload(connection_reset=True)  # nothing left for Django to read
        return raw_data  # the next handler (memory or temporary file) keeps it

    def file_complete(self, file_size):
        return None  # the next handler makes the UploadedFile


def file_stopped(request):
    """Whether a file of this request passed the limit and was stopped while streaming (then a
    gallery.domain.limits.FileTooLarge, without its size, is the answer).

    Reads the request body if nothing has yet (the handler runs while it is parsed).
    """
    if request.method != "POST":
        return False
    request.FILES  # noqa: B018 -- parsing the body is what runs the handler
    return getattr(request, _REJECTED_ATTRIBUTE, False)
