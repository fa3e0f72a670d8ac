"""Page cursors: the last key of a page, signed, so a link can neither name a raw key nor be
replayed against another list or another title prefix."""

from django.core import signing

from gallery.storage.dynamodb.errors import InvalidCursor
from gallery.storage.dynamodb.schema import LIST_KEY_ATTRIBUTES

_SALT = "gallery.storage.dynamodb.cursor"


def encode_cursor(key):
    return signing.dumps(key, salt=_SALT, compress=True)


def decode_cursor(cursor, list_name, prefix=None, *, attributes=LIST_KEY_ATTRIBUTES, partition="list_pk"):
    """The key to start after; InvalidCursor unless we signed it for this list (and prefix).
    An album's pages pass their own key: attributes ("pk", "sk"), partition "pk"."""
    try:
        key = signing.loads(cursor, salt=_SALT)
    except signing.BadSignature as error:
        raise InvalidCursor(cursor) from error
    if not isinstance(key, dict) or set(key) != set(attributes) or key[partition] != list_name:
        raise InvalidCursor(cursor)
    if prefix and not key["list_sk"].startswith(prefix):
        raise InvalidCursor(cursor)
    return key
