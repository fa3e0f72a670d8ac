"""`manage.py backfill_renditions` (gallery.services.renditions): photos made before the WebP
sizes get them through the worker; idempotent, resumable, never leaving an orphan."""

import io
from datetime import timedelta

import pytest
from django.core.management import call_command

from gallery.domain.records import FAILED, PUBLIC
from gallery.services import albums, photos, reconcile, renditions, rotation
from gallery.storage import dynamodb
from gallery.storage.s3 import objects
from gallery.tests.direct_uploads import run_worker
from gallery.tests.factories import image_bytes
from gallery.tests.publishing import publish
from gallery.tests.stores import assert_lists_match_photos, assert_no_orphans

pytestmark = pytest.mark.django_db


def made_before_sources(photo, **changes):
    """The photo as one made before the WebP sizes existed: no sources, no objects of them."""
    objects.delete_quietly([source["key"] for source in photo.sources])
    return dynamodb.photo_repository().update_photo(photo.id, sources=[], **changes)


def backfill():
    out = io.StringIO()
    call_command("backfill_renditions", stdout=out)
    return out.getvalue()


def test_old_photos_get_every_size_through_the_worker_once(aws, client, user):
    made = publish(user, title="Harbour", data=image_bytes(size=(1800, 1200)))
    old = made_before_sources(made)
    other = made_before_sources(
        publish(user, title="Boats", data=image_bytes(size=(600, 900))), width=0, height=0
    )
    assert "<source" not in client.get("/").content.decode()  # only what exists is offered
    assert_no_orphans(aws)

    output = backfill()
    assert "queued 2 of 2" in output and "2 photos; 2 queued for the worker, 0 need nothing." in output
    assert run_worker() == 2

    done = dynamodb.photo_repository().get_photo(old.id)
    assert done.sources == made.sources  # the sizes an upload makes today
    # The viewer's sizes, then the cards' (a 3:2 photo is card-shaped already: not cropped).
    assert [source["width"] for source in done.sources] == [1800, 1600, 1200, 800, 400, 1100, 700, 400]
    boats = dynamodb.photo_repository().get_photo(other.id)
    assert (boats.width, boats.height) == (600, 900)  # recorded when missing
    sizes = [(source["width"], source["height"]) for source in boats.sources]
    # A portrait photo's cards are its centre square, never wider than the photo.
    assert sizes == [(600, 900), (533, 800), (267, 400), (600, 600), (400, 400)]
    page = client.get("/").content.decode()
    assert page.count('<source type="image/webp"') == 2 and f"/photos/{old.id}/c1100.webp?" in page
    assert_no_orphans(aws)
    assert_lists_match_photos(aws)  # the cards carry the sources too
    assert reconcile.find_orphans(min_age=timedelta(0)).clean

    # Run again: nothing left to do; a job delivered again does nothing.
    assert "2 photos; 0 queued for the worker, 2 need nothing." in backfill()
    assert renditions.make_sources(old.id) == "done"
    assert dynamodb.photo_repository().get_photo(old.id) == done


def test_an_interrupted_run_is_run_again(aws, user, monkeypatch):
    ids = sorted(made_before_sources(publish(user, title=f"P{n}")).id for n in range(3))
    real_send = renditions.sqs.Queue.send
    sent = []

    def send_twice_then_fail(queue, body):
        if len(sent) == 2:
            raise renditions.sqs.JobsUnavailable("queue down")
        sent.append(body["photo_id"])
        return real_send(queue, body)

    monkeypatch.setattr(renditions.sqs.Queue, "send", send_twice_then_fail)
    with pytest.raises(renditions.sqs.JobsUnavailable):
        backfill()
    monkeypatch.undo()
    assert sent == ids[:2]
    assert run_worker() == 2

    assert "3 photos; 1 queued" in backfill()  # the one left
    assert run_worker() == 1
    assert all(dynamodb.photo_repository().get_photo(photo_id).sources for photo_id in ids)
    assert_no_orphans(aws)


def test_a_photo_deleted_or_failed_meanwhile_gets_nothing(aws, user):
    gone = made_before_sources(publish(user, title="Gone"))
    failed = made_before_sources(publish(user, title="Failed"), status=FAILED)
    assert "1 queued" in backfill()  # a failed photo has nothing to make sizes from
    photos.delete(gone.id)
    assert run_worker() == 1
    assert renditions.make_sources(gone.id) is None and renditions.make_sources(failed.id) == "done"
    assert_no_orphans(aws)


def test_an_edit_meanwhile_is_kept_and_the_sizes_recorded(aws, user, monkeypatch):
    old = made_before_sources(publish(user, title="Before"))
    real_save = objects.save

    def edit_while_saving(key, content):
        real_save(key, content)
        if key.endswith("/w400.webp"):
            dynamodb.photo_repository().update_photo(old.id, title="Edited meanwhile")

    monkeypatch.setattr(objects, "save", edit_while_saving)
    assert renditions.make_sources(old.id) == "made"
    photo = dynamodb.photo_repository().get_photo(old.id)
    assert photo.title == "Edited meanwhile" and [s["width"] for s in photo.sources] == [
        120,
        120,
    ]  # its own size
    assert_no_orphans(aws)


def test_the_albums_a_photo_covers_offer_the_sizes_the_backfill_made(aws, user):
    old = publish(user, title="Cover")
    album = albums.create(user, title="Summer", visibility=PUBLIC)
    albums.add_photo(user, album, old.id)
    albums.set_cover(albums.visible(user, album.id), old.id)
    made_before_sources(old)
    # An album made before the sizes: its copy of the cover has none either.
    assert albums.visible(user, album.id).cover_sources == old.sources
    dynamodb.album_repository().refresh_covers(dynamodb.photo_repository().get_photo(old.id))
    assert albums.visible(user, album.id).cover_sources == []

    backfill()
    run_worker()

    done = dynamodb.photo_repository().get_photo(old.id)
    assert albums.visible(user, album.id).cover_sources == done.sources != []


def test_a_rotated_cover_shows_its_new_sizes(aws, user):
    photo = publish(user, title="Cover")
    album = albums.create(user, title="Summer", visibility=PUBLIC)
    albums.add_photo(user, album, photo.id)
    albums.set_cover(albums.visible(user, album.id), photo.id)

    photo = dynamodb.photo_repository().get_photo(photo.id)  # the cover mark bumped its revision
    turned = rotation.rotate(photo, 90)

    cover = albums.visible(user, album.id)
    assert (cover.cover_thumbnail_key, cover.cover_sources) == (turned.thumbnail_key, turned.sources)
    assert cover.cover_thumbnail_key != photo.thumbnail_key  # new keys: the old objects are gone
    assert_no_orphans(aws)


def test_a_rotated_photo_needs_nothing_and_a_backfill_keeps_its_turned_keys(aws, client, user):
    # A rotation names its sizes anew ("w400-<variant>.webp"): the backfill must see them as the
    # sizes the photo has, and a photo that lacks one gets it under the rotation's names too.
    turned = rotation.rotate(publish(user, title="Harbour", data=image_bytes(size=(1800, 1200))), 90)
    assert not renditions.lacks_sources(turned)
    assert "1 photos; 0 queued for the worker, 1 need nothing." in backfill()

    old = made_before_sources(turned)
    assert renditions.make_sources(old.id) == "made"
    done = dynamodb.photo_repository().get_photo(old.id)
    assert done.sources == turned.sources  # same keys: the variant of its other sizes
    assert f"/photos/{old.id}/c1100-" in client.get("/").content.decode()
    assert_no_orphans(aws)
    assert reconcile.find_orphans(min_age=timedelta(0)).clean
