"""Downloads: one photo, an album or a selection as a zip (gallery.services.zips), and the archive
jobs the worker builds into S3 when a download is large or the owner exports their data.

What goes in: only photos the caller may see and that are ready (gallery.domain.access; a photo
the caller may not see is left out exactly as a missing one), as the owner's original for the
owner and as the full-size copy without location for anyone else (access.full_size_key; the
display size for photos stored before copies existed). An album follows its page's rule: its
owner and whoever came through the share link get all its photos, others the public ones.
"""

import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser
from django.utils.translation import gettext_lazy as _

from gallery.domain import access, archives, clock, ids
from gallery.domain.errors import Invalid, NotFound
from gallery.domain.records import READY
from gallery.services import zips
from gallery.storage import sqs
from gallery.storage.dynamodb import album_repository, jobs
from gallery.storage.s3 import keys, streaming

logger = logging.getLogger(__name__)

BUILD_ARCHIVE = "build_archive"  # the worker's job name


class NothingToDownload(NotFound):
    code = "nothing_to_download"
    message = _("None of these photos can be downloaded.")


class TooManyPhotos(Invalid):
    code = "too_many_photos"
    field = "photo_ids"

    def __init__(self, limit):
        super().__init__(limit)
        self.message = _("Choose at most %(count)d photos.") % {"count": limit}


class JobHidden(jobs.JobNotFound):
    """Someone else's job: answered as a missing one."""


@dataclass
class Plan:
    """What a download holds: the members (all of them when it streams; the first ones only when
    it is large, enough to know), and what the worker needs to build it again."""

    members: list = field(default_factory=list)
    total_bytes: int = 0
    large: bool = False
    photo_ids: list = field(default_factory=list)
    album_id: str = ""
    album_token: str = ""


def member_for(user, photo):
    """The zip member of a photo for `user`: the original for its owner, else the copy without
    metadata (or the display size when the photo has none)."""
    key = access.full_size_key(user, photo) or photo.display_key
    size = {photo.original_key: photo.original_bytes, photo.shared_key: photo.shared_bytes}.get(key) or None
    name = archives.member_name(photo.title, photo.id, archives.extension_of(key))
    return zips.Member(name=name, key=key, size=size)


def _members(user, photos, *, insider=False):
    """Members of the ready photos `user` may see; `insider`: of an album's owner or share link,
    who see its private photos too (as the album page shows them)."""
    for photo in photos:
        # A photo in the trash is nobody's to download (access.require_view's rule).
        if photo.status != READY or photo.in_trash or not (photo.original_key or photo.display_key):
            continue
        if insider or access.can_view(user, photo):
            yield member_for(user, photo)


def _plan(members, **source):
    plan = Plan(**source)
    for member in members:
        plan.members.append(member)
        plan.total_bytes += member.size or 0
        if archives.is_large(plan.total_bytes, len(plan.members)):
            plan.large = True
            break
    return plan


def check_selection(photo_ids):
    """The ids asked for, each once and well formed; raises TooManyPhotos past the limit."""
    chosen = [pid for pid in dict.fromkeys(photo_ids) if isinstance(pid, str) and ids.is_id(pid)]
    if len(chosen) > settings.PHOTOSHARE_MAX_DOWNLOAD_PHOTOS:
        raise TooManyPhotos(settings.PHOTOSHARE_MAX_DOWNLOAD_PHOTOS)
    return chosen


def plan_selection(user, photo_ids):
    """A download of photos by id (one photo's button, a selection): raises NothingToDownload when
    the caller may see none of them."""
    chosen = check_selection(photo_ids)
    plan = _plan(_members(user, jobs.photos_by_ids(chosen)), photo_ids=chosen)
    if not plan.members:
        raise NothingToDownload()
    return plan


def _album_members(user, album, token):
    insider = access.is_album_owner(user, album) or access.has_share_token(album, token)
    photos = jobs.photos_by_ids(jobs.album_photo_ids(album.id))
    return _members(user, (photo for photo in photos if photo.owner_id == album.owner_id), insider=insider)


def plan_album(user, album_id, token=None):
    """A download of an album the caller may see (at its URL, or with its share link's token)."""
    album = access.require_album_view(user, album_repository().get_album(album_id), token)
    plan = _plan(_album_members(user, album, token), album_id=album.id, album_token=token or "")
    if not plan.members:
        raise NothingToDownload()
    return plan, album


def stream(plan):
    """The bytes of a download that is not large."""
    return zips.stream(plan.members)


# --- archive jobs: large downloads and data exports ---------------------------------------------
def start_job(user, kind, *, plan=None, language="", now=None):
    """Record a pending job and queue it; returns the ArchiveJob. The record first, the message
    second: a job always finds its record (a lost message leaves a pending job the user asks again)."""
    owner_id = user.pk if user.is_authenticated else 0
    job = archives.ArchiveJob(
        id=ids.new_photo_id(),
        owner_id=owner_id,
        kind=kind,
        created=clock.timestamp(now and (lambda: now)),
        photo_ids=list(plan.photo_ids) if plan else [],
        album_id=plan.album_id if plan else "",
        album_token=plan.album_token if plan else "",
        language=language,
    )
    jobs.put_job(job)
    sqs.queue().send({"job": BUILD_ARCHIVE, "job_id": job.id})
    return job


def job_status(user, job_id, *, now=None):
    """(job, link or None) of the caller's job; the link is presigned for what is left of its life.
    Someone else's job is answered as a missing one (the id of an anonymous caller's job is its key)."""
    job = jobs.get_job(job_id)
    if job.owner_id and not (user.is_authenticated and user.pk == job.owner_id):
        raise JobHidden(job_id)
    now = now or clock.now()
    if job.status != archives.READY or expired(job, now):
        return job, None
    left = int((datetime.fromisoformat(job.expires) - now).total_seconds())
    return job, streaming.download_url(job.archive_key, filename=archives.archive_filename(job), expires=left)


def expired(job, now):
    return bool(job.expires) and datetime.fromisoformat(job.expires) <= now


def build_job(job_id, *, last_attempt=False, now=None):
    """The worker's job: build the archive into S3, then mark the job ready with its expiry.
    Idempotent: a ready job is left alone; a rebuild overwrites the same key."""
    from gallery.services import exports  # exports builds on this module

    try:
        job = jobs.get_job(job_id)
        owner = _owner(job)
    except (jobs.JobNotFound, get_user_model().DoesNotExist):
        return "gone"  # its account was deleted meanwhile (gallery.services.erase): nothing to build
    if job.status != archives.PENDING:
        return job.status
    key = keys.archive_key(job.id)
    try:
        if job.kind == archives.EXPORT:
            size = zips.save(exports.members(owner), key)
        else:
            size = zips.save(_job_members(owner, job), key)
    except Exception:
        if not last_attempt:
            raise
        logger.exception("archive job %s failed for good", job.id)
        jobs.save_job(job, status=archives.FAILED, failure_reason="could not build the archive")
        return archives.FAILED
    now = now or clock.now()
    expires = (now + timedelta(seconds=archives.link_seconds())).isoformat(timespec="microseconds")
    job = jobs.save_job(job, status=archives.READY, archive_key=key, archive_bytes=size, expires=expires)
    if job.kind == archives.EXPORT:
        exports.mail_link(owner, job)
    return archives.READY


def _owner(job):
    if not job.owner_id:
        return AnonymousUser()
    return get_user_model().objects.get(pk=job.owner_id)


def _job_members(owner, job):
    if job.album_id:
        token = job.album_token or None
        album = access.require_album_view(owner, album_repository().get_album(job.album_id), token)
        return _album_members(owner, album, token)
    return _members(owner, jobs.photos_by_ids(job.photo_ids))


def expire_jobs(gone):
    """Remove jobs whose link has expired (reconcile judged them), with their archives."""
    from gallery.storage.s3.objects import delete_objects

    delete_objects([job.archive_key for job in gone if job.archive_key])
    for job in gone:
        jobs.delete_job(job.id)
    return len(gone)


def latest_export(user, *, now=None):
    """(job, link or None) of the user's newest data export, or (None, None): the account page's."""
    for job in jobs.recent_jobs(user.pk):
        if job.kind == archives.EXPORT:
            return job_status(user, job.id, now=now)
    return None, None
