"""My data export: every original of the owner (those in their trash too, under trash/), their
albums (in their order), favourites and all the facts kept about their photos, as one zip the
worker builds into S3 (an archive job of kind EXPORT, gallery.services.downloads), with an expiring
link mailed in the owner's language.

Bounded memory for any library size: the owner's photos are read a page at a time (their OWNER#
list, then BatchGetItem), each original streamed into the zip, and the JSON files are streamed
too (one photo, album or favourite at a time): nothing holds the whole library.
"""

import itertools
import json
import logging
from dataclasses import asdict

from django.core.mail import send_mail
from django.utils import translation
from django.utils.translation import gettext as _

from gallery.domain import access, archives
from gallery.domain.exif_facts import ExifFacts
from gallery.domain.records import READY
from gallery.services import zips
from gallery.storage.dynamodb import comments as stored_comments
from gallery.storage.dynamodb import jobs

logger = logging.getLogger(__name__)

PHOTOS_FOLDER = "photos/"
TRASH_FOLDER = "trash/"  # not yet purged: still the owner's, and theirs to take
# The facts of a photo the export's photos.json gives (the owner's own: nothing is held back).
PHOTO_FIELDS = ("id", "title", "description", "tags", "visibility", "created", "updated", "width", "height")
EXIF_FIELDS = tuple(ExifFacts.__dataclass_fields__)
LOCATION_FIELDS = ("latitude", "longitude", "altitude")  # kept by records that have them


def _owner_photos(owner):
    """The owner's ready photos (OWNER# list), then those in their trash (TRASH#), each list
    keeping the photos still where it says (one trashed between the two reads may come twice,
    under photos/ and trash/; never under one name twice)."""
    listed = jobs.photos_by_ids(jobs.owner_photo_ids(owner.pk))
    trashed = jobs.photos_by_ids(jobs.trashed_photo_ids(owner.pk))
    return itertools.chain(
        (photo for photo in listed if _mine(owner, photo) and not photo.in_trash),
        (photo for photo in trashed if _mine(owner, photo) and photo.in_trash),
    )


def _mine(owner, photo):
    return photo.owner_id == owner.pk and photo.status == READY


def file_name(photo):
    extension = archives.extension_of(photo.original_key)
    folder = TRASH_FOLDER if photo.in_trash else PHOTOS_FOLDER
    return folder + archives.member_name(photo.title, photo.id, extension)


def photo_facts(photo):
    """What photos.json says of one photo: its details, EXIF facts, location when kept, the file."""
    facts = {name: getattr(photo, name) for name in PHOTO_FIELDS}
    facts["file"] = file_name(photo)
    facts["exif"] = {name: getattr(photo, name) for name in EXIF_FIELDS if getattr(photo, name)}
    location = {
        name: getattr(photo, name) for name in LOCATION_FIELDS if getattr(photo, name, None) is not None
    }
    if location:
        facts["location"] = location
    facts["original_shared"] = bool(photo.share_original)
    facts["trashed"] = photo.in_trash
    if photo.in_trash:
        facts["purge_after"] = photo.purge_after
    return facts


def _json_array(values):
    """A JSON array streamed element by element (bytes)."""
    yield b"["
    for index, value in enumerate(values):
        yield (b",\n" if index else b"\n") + json.dumps(value, ensure_ascii=False).encode()
    yield b"\n]\n"


def _album_facts(album):
    # The share token is a secret, not a fact (the owner makes a new link); cover sizes are ours.
    album_fields = {
        name: value
        for name, value in asdict(album).items()
        if name != "share_token" and not name.startswith(("cover_thumbnail", "cover_sources"))
    }
    album_fields["photo_ids"] = list(jobs.album_photo_ids(album.id))  # album order
    return album_fields


def members(owner):
    """The export's members, read as the zip goes: the originals, then the JSON files."""
    for photo in _owner_photos(owner):
        if access.can_get_original(owner, photo) and photo.original_key:
            size = photo.original_bytes or None
            yield zips.Member(name=file_name(photo), key=photo.original_key, size=size)
    photos = (photo_facts(photo) for photo in _owner_photos(owner))
    yield zips.Member(name="photos.json", chunks=_json_array(photos))
    albums = (_album_facts(album) for album in jobs.owner_albums(owner.pk))
    yield zips.Member(name="albums.json", chunks=_json_array(albums))
    favourites = ({"photo_id": pid, "favorited_at": at} for pid, at in jobs.favorite_items(owner.pk))
    yield zips.Member(name="favourites.json", chunks=_json_array(favourites))
    yield zips.Member(name="comments.json", chunks=_json_array(comment_facts(owner)))


# --- comments.json (issue 25) ---------------------------------------------------------------------
# What comments.json says of each comment the owner wrote, on anyone's photo or album (one of
# photo_id and album_id is ""; hidden: a moderator hid it from others; it is still the writer's text).
COMMENT_FIELDS = ("id", "photo_id", "album_id", "text", "created", "edited", "hidden")


def comment_facts(owner):
    """The owner's comments, oldest first, streamed: their COMMENTS# list, one Query a page."""
    for comment in stored_comments.author_comments(owner.pk):
        yield {name: getattr(comment, name) for name in COMMENT_FIELDS}


def mail_link(owner, job):
    """Tell the owner their export is ready, in the language they asked in, with the link (it
    expires; the account page shows it too). A mail that cannot be sent is logged: the page has it."""
    from gallery.services.downloads import job_status

    if not owner.email:
        return False
    _job, link = job_status(owner, job.id)
    try:
        with translation.override(job.language or None):
            send_mail(
                subject=_("Your photoshare data is ready to download"),
                message=_(
                    "Hello %(name)s,\n\nthe zip of your photos, albums and their details is ready:\n\n"
                    "%(link)s\n\nThe link works until %(expires)s (UTC); your account page shows it too.\n"
                )
                % {"name": owner.get_username(), "link": link, "expires": job.expires[:16].replace("T", " ")},
                from_email=None,
                recipient_list=[owner.email],
            )
    except Exception:  # the mail service's fault, not the user's: the account page has the link
        logger.exception("could not mail the export link to user %s", owner.pk)
        return False
    return True
