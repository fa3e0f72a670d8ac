"""The one owner of zips: members streamed from S3 while the zip is read, into a response or
into S3 (a multipart upload), never a whole zip (nor a whole photo) in memory or on disk.

Built on zipstream-ng: members are stored (photos are compressed already; deflating JPEGs
costs CPU for nothing), each member's CRC is computed as its bytes pass and written in a data
descriptor after them, zip64 is used where a member or the archive needs it, and names that are
not ASCII (Korean titles) carry the UTF-8 flag. A member's GetObject is sent only when the zip
reaches it, so memory is one S3 chunk plus the central directory's few bytes a member.
"""

import json
from dataclasses import dataclass

from zipstream import ZIP_STORED, ZipStream

from gallery.storage.s3 import streaming


@dataclass(frozen=True)
class Member:
    """One file of a zip: an object of the bucket (`key`), bytes made here (`data`), or bytes
    made as the zip reaches the member (`chunks`, an iterable: a JSON file of any length)."""

    name: str
    key: str = ""
    size: int | None = None  # the object's size when the item records it (zip64 decided up front)
    data: bytes = b""
    chunks: object = None


def json_member(name, value):
    """A JSON file of the zip (metadata), UTF-8, indented for people."""
    return Member(name=name, data=json.dumps(value, ensure_ascii=False, indent=2).encode())


def stream(members):
    """The zip of `members` (any iterable, read lazily) as an iterator of bytes."""
    archive = ZipStream(compress_type=ZIP_STORED)
    for member in members:
        # One member queued at a time and streamed at once: `members` is read as the zip goes, so
        # a library of any size holds one page of its items, never the list of them all.
        if member.key:
            archive.add(streaming.iter_object(member.key), member.name, size=member.size or None)
        elif member.chunks is not None:
            archive.add(member.chunks, member.name)
        else:
            archive.add(member.data, member.name)
        yield from archive.file()
    yield from archive.footer()


def save(members, key):
    """Build the zip of `members` into the object `key` (a multipart upload); returns its bytes."""
    return streaming.upload_chunks(key, stream(members))
