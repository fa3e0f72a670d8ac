"""`manage.py reconcile` on notifications: those about a photo or an album deleted since (hidden
for good) are reported and removed with --fix, their marks and the unread count with them; one
about a photo in the trash, a follow's and an item of no declared kind are left alone."""

from datetime import timedelta

import pytest

from gallery.domain.records import PUBLIC
from gallery.services import albums, comments, follows, notifications, photos, trash
from gallery.services.reconcile import find_orphans, remove_orphans
from gallery.storage.dynamodb import get_connection
from gallery.storage.dynamodb import notifications as stored
from gallery.tests.publishing import publish
from gallery.tests.reconciling import reconcile

pytestmark = pytest.mark.django_db


def stored_kinds(user):
    return sorted(item["sk"].split("#")[0] for item in stored.items_of(user.pk))


def test_notifications_about_deleted_photos_and_albums_are_removed_with_fix(people):
    ann, ben = people
    gone, trashed = publish(ann, title="Gone"), publish(ann, title="Trashed")
    photos.favorite(ben, gone)
    comments.write(ben, gone, "nice")
    photos.favorite(ben, trashed)
    follows.follow(ben, ann)
    album = albums.create(ann, title="Trip", visibility=PUBLIC, comments_open=True)
    comments.write(ben, album, "lovely")
    photos.delete(gone.id)
    albums.delete(album)
    trash.trash(ann, trashed.id)
    # An item of no declared kind in the partition: reconcile cannot judge it, so never removes it.
    get_connection().table.put_item(Item={"pk": f"NOTES#{ann.pk}", "sk": "LATER#1", "actor_id": ben.pk})
    assert notifications.unread_count(ann) == 5  # hidden, never retired: nobody read the page

    report = find_orphans(min_age=timedelta(0))
    assert sorted(why for _pk, _sk, why in report.stray_notes) == [
        stored.GONE_ALBUM,
        stored.GONE_PHOTO,
        stored.GONE_PHOTO,
    ]
    out = reconcile()
    assert out.count("its photo is gone") == 2 and "its album is gone" in out and "--fix" in out

    remove_orphans(report)

    # Left: the trashed photo's favourite (a restore shows it again), the follow, their marks,
    # the count and the unknown item.
    assert stored_kinds(ann) == ["LATER", "NOTE", "NOTE", "ONCE", "ONCE", "UNREAD"]
    assert notifications.unread_count(ann) == 2
    after = find_orphans(min_age=timedelta(0))
    assert after.stray_notes == [] and after.wrong_note_counts == []
    assert after.unknown_items == [{"pk": f"NOTES#{ann.pk}", "sk": "LATER#1"}]
    trash.restore(ann, trashed.id)
    assert [(n.kind, n.photo_title) for n in notifications.page(ann).items] == [
        ("follow", ""),
        ("favorite", "Trashed"),
    ]


def test_a_mark_left_without_its_notification_is_removed_and_a_photo_back_is_kept(people, monkeypatch):
    ann, ben = people
    photo = publish(ann)
    photos.favorite(ben, photo)
    [note] = [item for item in stored.items_of(ann.pk) if stored.is_note(item)]
    get_connection().table.delete_item(Key={"pk": note["pk"], "sk": note["sk"]})  # by hand
    stored.set_count(ann.pk, 1, 0)
    report = find_orphans(min_age=timedelta(0))
    assert [why for _pk, _sk, why in report.stray_notes] == [stored.STRAY_MARK]
    remove_orphans(report)
    assert stored_kinds(ann) == ["UNREAD"]
    photos.unfavorite(ben, photo)
    photos.favorite(ben, photo)  # the mark gone: the owner hears of it again
    assert [n.kind for n in notifications.page(ann).items] == ["favorite"]

    # Judged again before removal: a photo found again (published since the scan) keeps it.
    report = find_orphans(min_age=timedelta(0))
    report.stray_notes = [(note["pk"], stored_sk, stored.GONE_PHOTO) for stored_sk in _note_sks(ann)]
    remove_orphans(report)
    assert [n.kind for n in notifications.page(ann).items] == ["favorite"]


def _note_sks(user):
    return [item["sk"] for item in stored.items_of(user.pk) if stored.is_note(item)]
