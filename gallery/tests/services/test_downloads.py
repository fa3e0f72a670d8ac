"""gallery.services.downloads and exports through the zip owner (gallery.services.zips): what a
download holds for whom, names inside the zip, large downloads and the data export built by the
worker into S3; against moto over HTTP."""

import io
import json
import zipfile
from datetime import timedelta

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core import mail
from django.test import override_settings

from gallery.domain import archives, clock
from gallery.domain.records import PRIVATE, PUBLIC, UNLISTED
from gallery.services import albums, downloads, reconcile, trash, worker
from gallery.storage.dynamodb import jobs, photo_repository
from gallery.tests.factories import make_photo

pytestmark = pytest.mark.django_db
ANONYMOUS = AnonymousUser()


def stored_photo(aws, number, owner, *, title=None, visibility=PUBLIC, shared=True, **extra):
    if shared:
        extra = {"shared_key": f"photos/{number:032x}/shared.jpg", "shared_bytes": 6}
    photo = make_photo(number, owner_id=owner.pk, title=title, visibility=visibility, **extra)
    aws.s3.put_object(Bucket=aws.bucket, Key=photo.original_key, Body=b"ORIGINAL-%d" % number)
    if shared:
        aws.s3.put_object(Bucket=aws.bucket, Key=photo.shared_key, Body=b"SHARED")
    aws.s3.put_object(Bucket=aws.bucket, Key=photo.display_key or photo.thumbnail_key, Body=b"DISPLAY")
    photo_repository().put_photo(photo)
    return photo


def opened(chunks):
    return zipfile.ZipFile(io.BytesIO(b"".join(chunks)))


def contents(archive):
    return {info.filename: archive.read(info) for info in archive.infolist()}


def test_the_owner_gets_originals_others_the_copies_without_location_and_only_what_they_see(aws, user, bob):
    public = stored_photo(aws, 1, user, title="Harbour")
    private = stored_photo(aws, 2, user, title="Secret", visibility=PRIVATE)

    mine = contents(opened(downloads.stream(downloads.plan_selection(user, [public.id, private.id]))))
    theirs = contents(opened(downloads.stream(downloads.plan_selection(bob, [public.id, private.id]))))

    assert mine == {f"Harbour-{public.id}.jpg": b"ORIGINAL-1", f"Secret-{private.id}.jpg": b"ORIGINAL-2"}
    assert theirs == {f"Harbour-{public.id}.jpg": b"SHARED"}


def test_someone_elses_private_photos_alone_are_nothing_to_download(aws, user, bob):
    private = stored_photo(aws, 2, user, visibility=PRIVATE)

    with pytest.raises(downloads.NothingToDownload):
        downloads.plan_selection(bob, [private.id, "f" * 32])


def test_korean_titles_survive_with_the_utf8_flag_and_alike_titles_do_not_collide(aws, user):
    first = stored_photo(aws, 1, user, title="부산 바다/야경")
    second = stored_photo(aws, 2, user, title="부산 바다/야경")

    archive = opened(downloads.stream(downloads.plan_selection(user, [first.id, second.id])))

    names = [info.filename for info in archive.infolist()]
    assert names == [f"부산 바다 야경-{first.id}.jpg", f"부산 바다 야경-{second.id}.jpg"]
    assert all(info.flag_bits & 0x800 for info in archive.infolist())  # UTF-8 names
    assert archive.testzip() is None


def test_an_album_downloads_in_album_order_and_its_share_link_opens_its_private_photos(aws, user, bob):
    one = stored_photo(aws, 1, user, title="One")
    two = stored_photo(aws, 2, user, title="Two", visibility=PRIVATE)
    album = albums.create(user, title="Trip", visibility=UNLISTED)
    albums.add_photo(user, album, two.id)
    albums.add_photo(user, album, one.id)
    album = albums.visible(user, album.id)

    plan, _album = downloads.plan_album(ANONYMOUS, album.id, token=album.share_token)

    assert contents(opened(downloads.stream(plan))) == {
        f"Two-{two.id}.jpg": b"SHARED",
        f"One-{one.id}.jpg": b"SHARED",
    }
    assert list(contents(opened(downloads.stream(downloads.plan_album(user, album.id)[0])))) == [
        f"Two-{two.id}.jpg",
        f"One-{one.id}.jpg",
    ]


def test_a_photo_stored_before_shared_copies_goes_to_others_as_its_display_size(aws, user, bob):
    old = stored_photo(aws, 1, user, shared=False, display_key=f"photos/{1:032x}/display.jpg")

    assert contents(opened(downloads.stream(downloads.plan_selection(bob, [old.id])))) == {
        f"Photo 1-{old.id}.jpg": b"DISPLAY"
    }


def test_too_many_ids_are_refused():
    with override_settings(PHOTOSHARE_MAX_DOWNLOAD_PHOTOS=2), pytest.raises(downloads.TooManyPhotos):
        downloads.check_selection(["a" * 32, "b" * 32, "c" * 32])


@override_settings(PHOTOSHARE_DOWNLOAD_INLINE_MAX_PHOTOS=1)
def test_a_large_download_is_built_by_the_worker_into_s3_with_an_expiring_link(aws, user, bob):
    photos_ = [stored_photo(aws, number, user) for number in (1, 2)]
    plan = downloads.plan_selection(bob, [photo.id for photo in photos_])
    assert plan.large

    job = downloads.start_job(bob, archives.DOWNLOAD, plan=plan)
    assert downloads.job_status(bob, job.id) == (jobs.get_job(job.id), None)
    with pytest.raises(downloads.JobHidden):
        downloads.job_status(user, job.id)

    assert worker.work(until_empty=True, wait_seconds=0) == 1

    ready, link = downloads.job_status(bob, job.id)
    assert ready.status == archives.READY and "archives/" in link and "Expires=" in link
    archive = zipfile.ZipFile(io.BytesIO(aws.read(ready.archive_key)))
    assert set(contents(archive).values()) == {b"SHARED"} and len(archive.infolist()) == 2
    later = clock.now() + timedelta(seconds=archives.link_seconds() + 1)
    assert downloads.job_status(bob, job.id, now=later)[1] is None


def test_the_data_export_holds_every_original_albums_favourites_and_facts_and_is_mailed(aws, user, bob):
    user.email = "alice@example.com"
    user.save()
    mine = stored_photo(aws, 1, user, title="바다", visibility=PRIVATE)
    theirs = stored_photo(aws, 2, bob, title="Bob's")
    album = albums.create(user, title="Trip", visibility=PRIVATE)
    albums.add_photo(user, album, mine.id)
    photo_repository().add_favorite(theirs, user.pk)

    job = downloads.start_job(user, archives.EXPORT, language="ko")
    worker.work(until_empty=True, wait_seconds=0)

    ready, link = downloads.job_status(user, job.id)
    archive = contents(zipfile.ZipFile(io.BytesIO(aws.read(ready.archive_key))))
    assert archive[f"photos/바다-{mine.id}.jpg"] == b"ORIGINAL-1"
    facts = json.loads(archive["photos.json"])
    assert [(fact["id"], fact["title"], fact["visibility"]) for fact in facts] == [(mine.id, "바다", PRIVATE)]
    assert json.loads(archive["albums.json"])[0]["photo_ids"] == [mine.id]
    assert "share_token" not in json.loads(archive["albums.json"])[0]
    assert [fav["photo_id"] for fav in json.loads(archive["favourites.json"])] == [theirs.id]
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["alice@example.com"]
    assert mail.outbox[0].subject == "photoshare 데이터를 다운로드할 수 있어요"  # the language asked in
    assert link.split("?")[0] in mail.outbox[0].body


def test_the_data_export_holds_the_trash_too_in_its_own_folder(aws, user):
    """ "Download my data" is every original: a photo in the trash (not yet purged) is the
    owner's still, under trash/ with its purge date in photos.json."""
    kept, binned = stored_photo(aws, 1, user, title="Kept"), stored_photo(aws, 2, user, title="Binned")
    trash.trash(user, binned.id)
    binned = photo_repository().get_photo(binned.id)

    job = downloads.start_job(user, archives.EXPORT)
    worker.work(until_empty=True, wait_seconds=0)

    archive = contents(zipfile.ZipFile(io.BytesIO(aws.read(jobs.get_job(job.id).archive_key))))
    assert archive[f"photos/Kept-{kept.id}.jpg"] == b"ORIGINAL-1"
    assert archive[f"trash/Binned-{binned.id}.jpg"] == b"ORIGINAL-2"
    facts = {fact["id"]: fact for fact in json.loads(archive["photos.json"])}
    assert facts[kept.id]["trashed"] is False and "purge_after" not in facts[kept.id]
    assert facts[binned.id]["trashed"] is True and facts[binned.id]["purge_after"] == binned.purge_after
    assert facts[binned.id]["file"] == f"trash/Binned-{binned.id}.jpg"


def test_reconcile_reports_and_removes_expired_archive_jobs(aws, user):
    stored_photo(aws, 1, user)
    job = downloads.start_job(user, archives.EXPORT)
    worker.work(until_empty=True, wait_seconds=0)
    archive_key = jobs.get_job(job.id).archive_key

    assert reconcile.find_orphans().clean
    later = clock.now() + timedelta(seconds=archives.link_seconds() + 1)
    report = reconcile.find_orphans(now=later)
    assert report.expired_jobs == [job.id]

    reconcile.remove_orphans(report)
    with pytest.raises(jobs.JobNotFound):
        jobs.get_job(job.id)
    assert archive_key not in aws.object_keys()


def test_a_photo_in_the_trash_is_never_downloaded_not_even_by_its_owner(aws, user):
    kept, binned = stored_photo(aws, 1, user), stored_photo(aws, 2, user)
    trash.trash(user, binned.id)

    assert list(contents(opened(downloads.stream(downloads.plan_selection(user, [kept.id, binned.id]))))) == [
        f"Photo 1-{kept.id}.jpg"
    ]
    with pytest.raises(downloads.NothingToDownload):
        downloads.plan_selection(user, [binned.id])
