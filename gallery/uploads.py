"""A streaming size limit for uploaded files.

Django's upload handlers see an upload in chunks (64 KB) as it is read from the socket.
`SizeLimitedUploadHandler` runs first and stops the parser as soon as one file passes
PHOTOSHARE_MAX_UPLOAD_BYTES, without reading the rest of the request: an oversized file is
never buffered, in memory or on disk. The view then answers 413 (see `too_large_message`).
"""

import logging

from django.conf import settings
from django.core.files.uploadhandler import FileUploadHandler, StopUpload
from django.template.defaultfilters import filesizeformat

logger = logging.getLogger(__name__)

_REJECTED_ATTRIBUTE = "_photoshare_upload_too_large"


class SizeLimitedUploadHandler(FileUploadHandler):
    def __init__(self, request=None):
        super().__init__(request)
        self.limit = settings.PHOTOSHARE_MAX_UPLOAD_BYTES

    def receive_data_chunk(self, raw_data, start):
        if start + len(raw_data) > self.limit:
            logger.info("upload of %r stopped past %d bytes", self.file_name, self.limit)
            if self.request is not None:
                setattr(self.request, _REJECTED_ATTRIBUTE, True)
            # connection_reset: stop here, do not read (nor discard) the rest of the body.
            raise StopUpload(connection_reset=True)
        return raw_data  # the next handler (memory or temporary file) keeps it

    def file_complete(self, file_size):
        return None  # the next handler makes the UploadedFile


def too_large_message(request):
    """The message to show when a file of this request passed the limit, else None.

    Reads the request body if nothing has yet (the handler runs while it is parsed).
    """
    if request.method != "POST":
        return None
    request.FILES  # noqa: B018 -- parsing the body is what runs the handler
    if getattr(request, _REJECTED_ATTRIBUTE, False):
        limit = filesizeformat(settings.PHOTOSHARE_MAX_UPLOAD_BYTES)
        return f"The file is too large; the limit is {limit}. Nothing was stored."
    return None
