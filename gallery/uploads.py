"""A streaming size limit for uploaded files.

Django's upload handlers see an upload in chunks (64 KB) as it is read from the socket.
`SizeLimitedUploadHandler` runs first and stops the parser as soon as one file passes
PHOTOSHARE_MAX_UPLOAD_BYTES: nothing past the limit is kept, in memory or on disk, and the
view answers 413 (see `too_large_message`).

What happens to the rest of the body depends on its declared size. A file somewhat over the
limit (the body at most twice the limit) is read to its end and thrown away, so the browser,
which is still sending, receives the 413 page. A body far larger is not read at all
(`connection_reset`): the worker is free at once, and the client sees the connection close.
"""

import logging

from django.core.files.uploadhandler import FileUploadHandler, StopUpload

from gallery.limits import LIMITS

logger = logging.getLogger(__name__)

_REJECTED_ATTRIBUTE = "_photoshare_upload_too_large"


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


def too_large_message(request):
    """The message to show when a file of this request passed the limit, else None.

    Reads the request body if nothing has yet (the handler runs while it is parsed).
    """
    if request.method != "POST":
        return None
    request.FILES  # noqa: B018 -- parsing the body is what runs the handler
    if getattr(request, _REJECTED_ATTRIBUTE, False):
        return LIMITS.file_too_large_message()
    return None
