"""The ids of photos, uploads and albums: 32 lower-case hex digits, random (uuid4), never from
user input, so S3 keys built from them cannot collide or climb out of their folder.

`PATTERN` is what every URL, key parser and link filter accepts; `IdConverter` is the path
converter `<id:...>` that gallery.apps registers once for the site's, the API's and the admin's URLs.
"""

import re
import uuid

PATTERN = "[0-9a-f]{32}"


_ID = re.compile(PATTERN)


def is_id(text):
    """Whether `text` has the form of our ids (a request's photo_ids are checked with it)."""
    return bool(_ID.fullmatch(text))


def new_photo_id():
    """A photo's id; a direct upload's id too, which becomes its photo's."""
    return uuid.uuid4().hex


def new_album_id():
    return uuid.uuid4().hex


class IdConverter:
    """`<id:photo_id>` in a URL route: the id as text, and nothing else matches."""

    regex = PATTERN

    def to_python(self, value):
        return value

    def to_url(self, value):
        return str(value)
