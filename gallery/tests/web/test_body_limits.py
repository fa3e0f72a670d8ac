"""The streaming size limit (gallery.web.body_limits): an oversized file is refused while it is read.

The request body here is generated as it is read, and counts how much the server took: the
upload is refused after about the limit, not after the whole body was received or buffered.
"""

import tracemalloc

import pytest

from gallery.tests.factories import image_bytes, upload
from gallery.tests.stores import assert_no_orphans, assert_nothing_stored

pytestmark = pytest.mark.django_db

BOUNDARY = "hostileboundary"
LIMIT = 256 * 1024
CHUNK = 64 * 1024  # Django's upload handlers see the body in chunks of this size


class GeneratedBody:
    """A request body of `size` bytes of file data, made as it is read; remembers how much was."""

    def __init__(self, head, file_bytes, tail):
        self.head, self.tail = head, tail
        self.file_bytes = file_bytes
        self.length = len(head) + file_bytes + len(tail)
        self.position = 0

    def read(self, size=-1):
        if size is None or size < 0:
            size = self.length - self.position
        start, end = self.position, min(self.position + size, self.length)
        self.position = end
        file_start, file_end = len(self.head), len(self.head) + self.file_bytes
        head = self.head[start : min(end, file_start)]
        middle = b"A" * max(0, min(end, file_end) - max(start, file_start))
        tail = self.tail[max(0, start - file_end) : max(0, end - file_end)]
        return head + middle + tail

    def readline(self, size=-1):
        return self.read(size)


def multipart_upload(file_bytes, title="Huge"):
    head = (
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="title"\r\n\r\n{title}\r\n'
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="image"; filename="huge.jpg"\r\n'
        "Content-Type: image/jpeg\r\n\r\n"
    ).encode()
    tail = f"\r\n--{BOUNDARY}--\r\n".encode()
    return GeneratedBody(head, file_bytes, tail)


def post_body(client, body):
    return client.generic(
        "POST",
        "/upload/",
        data=b"unused",
        content_type=f"multipart/form-data; boundary={BOUNDARY}",
        **{"wsgi.input": body, "CONTENT_LENGTH": str(body.length)},
    )


@pytest.fixture
def small_limit(settings):
    settings.PHOTOSHARE_MAX_UPLOAD_BYTES = LIMIT


def test_an_oversized_upload_is_refused_after_reading_about_the_limit(aws, logged_in_client, small_limit):
    body = multipart_upload(file_bytes=50 * 1024 * 1024)  # 50 MB claimed and sent

    response = post_body(logged_in_client, body)

    assert response.status_code == 413
    assert "The file is too large; the limit is 256.0\xa0KB. Nothing was stored." in response.content.decode()
    assert 'value="Huge"' in response.content.decode()  # the title typed before the file is kept
    # Stopped within two chunks past the limit: the other ~49.7 MB were never read.
    assert body.position <= LIMIT + 2 * CHUNK
    assert_nothing_stored(aws)


def test_a_file_somewhat_over_the_limit_is_discarded_chunk_by_chunk_for_a_clean_413(
    aws, logged_in_client, settings
):
    settings.PHOTOSHARE_MAX_UPLOAD_BYTES = 4 * 1024 * 1024
    body = multipart_upload(file_bytes=6 * 1024 * 1024)  # the browser is still sending
    # A first refusal outside the measure: the modules its page first imports (megabytes of code
    # objects on Python 3.13) are not the body kept in memory.
    assert post_body(logged_in_client, multipart_upload(file_bytes=4 * 1024 * 1024 + 1)).status_code == 413
    tracemalloc.start()

    response = post_body(logged_in_client, body)

    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert response.status_code == 413
    assert "The file is too large; the limit is 4.0\xa0MB." in response.content.decode()
    assert body.position == body.length  # read to the end, so the browser gets the page
    assert peak < 3 * 1024 * 1024  # but nothing of the 6 MB was kept in memory
    assert_nothing_stored(aws)


def test_a_file_exactly_at_the_limit_is_read_whole(aws, logged_in_client, small_limit):
    body = multipart_upload(file_bytes=LIMIT)  # not an image, but not too large either

    response = post_body(logged_in_client, body)

    assert response.status_code == 400
    assert "The file is not an image" in response.content.decode()
    assert body.position == body.length


def test_a_real_photo_under_the_limit_is_stored(aws, logged_in_client, small_limit):
    data = image_bytes(size=(300, 200))

    response = logged_in_client.post("/upload/", {"title": "Fine", "image": upload("fine.jpg", data)})

    assert response.status_code == 302
    assert_no_orphans(aws)
    assert len(aws.object_keys()) >= 2
