"""Zip archives a user takes away: a download (photos, an album, a selection) or their data
export. The job record the worker fills, the states it goes through, which requests are too
large to stream inside a request, and the names the files get inside a zip.

Pure rules, no I/O; the limits are settings read on each use (gallery.domain.limits' way).
"""

import re
import unicodedata
from dataclasses import dataclass

from django.conf import settings

DOWNLOAD = "download"  # some photos, as the caller may see them (originals for their owner)
EXPORT = "export"  # every original, album and fact of the owner: their data export
KINDS = (DOWNLOAD, EXPORT)

PENDING = "pending"
READY = "ready"
FAILED = "failed"

_UNSAFE = re.compile(r'[\x00-\x1f\x7f/\\:*?"<>|]+')
_SPACES = re.compile(r"\s+")
NAME_LENGTH = 60  # characters of the title kept in a file name


@dataclass(frozen=True)
class ArchiveJob:
    """A zip the worker builds into S3 (archive_key) for its owner; its link expires at `expires`."""

    id: str
    owner_id: int
    kind: str
    created: str
    status: str = PENDING
    photo_ids: list = None  # a download's photos, in the order asked (an export has none)
    album_id: str = ""  # an album's download: its photos in album order
    album_token: str = ""  # the share link's token the album was opened with
    archive_key: str = ""
    archive_bytes: int = 0
    expires: str = ""  # ISO time after which the zip is deleted and the link dead
    failure_reason: str = ""
    language: str = ""  # the owner's language when asked: the mail's


def inline_limits():
    """(bytes, photos) a download may reach and still stream inside the request."""
    return settings.PHOTOSHARE_DOWNLOAD_INLINE_MAX_BYTES, settings.PHOTOSHARE_DOWNLOAD_INLINE_MAX_PHOTOS


def is_large(total_bytes, count):
    """Whether a download goes through the worker (202 and a status URL) rather than streaming."""
    max_bytes, max_count = inline_limits()
    return total_bytes > max_bytes or count > max_count


def link_seconds():
    """How long an archive's presigned link stays valid (and the archive kept)."""
    return settings.PHOTOSHARE_ARCHIVE_LINK_SECONDS


def retention_days():
    """Days the bucket keeps an archive (its lifecycle rule): a day past the link's lifetime, so no
    link outlives its zip and reconcile's removal of the expired job usually finds it gone."""
    return -(-link_seconds() // 86400) + 1


def member_name(title, photo_id, extension):
    """The file name of a photo inside a zip: its title made safe (any script: Korean titles stay
    Korean; no path separators, control or reserved characters) and its id, so two photos titled
    alike never collide. `photo-<id>` when the title leaves nothing."""
    text = unicodedata.normalize("NFC", title or "")
    text = _SPACES.sub(" ", _UNSAFE.sub(" ", text)).strip(" .")[:NAME_LENGTH].strip(" .")
    stem = f"{text}-{photo_id}" if text else f"photo-{photo_id}"
    return f"{stem}.{extension}" if extension else stem


def extension_of(key):
    """The extension of an object key ("jpg" of photos/<id>/original.jpg)."""
    tail = key.rsplit("/", 1)[-1]
    return tail.rsplit(".", 1)[-1].lower() if "." in tail else ""


def archive_filename(job_or_kind):
    """The name the browser saves an archive under (ASCII: a Content-Disposition's)."""
    kind = getattr(job_or_kind, "kind", job_or_kind)
    return "photoshare-export.zip" if kind == EXPORT else "photoshare-photos.zip"
