"""gallery.services.trash: a delete moves a photo to its owner's trash, out of every list, album
and favourites list at once; a restore puts it all back where it was; delete forever, empty and
the purge remove it for good. Against moto over HTTP, with the clock moved by hand."""

import io
from datetime import UTC, datetime, timedelta

import pytest
from django.contrib.auth.models import AnonymousUser

from gallery.domain import lists
from gallery.domain.access import ChangeNotAllowed, PhotoHidden, PhotoInTrash
from gallery.domain.records import PRIVATE, PUBLIC
from gallery.services import albums, photos, reconcile, trash
from gallery.storage.dynamodb import PhotoChanged, PhotoNotFound, photo_repository
from gallery.tests.publishing import publish
from gallery.tests.stores import assert_lists_match_photos, assert_no_orphans

pytestmark = pytest.mark.django_db
ANONYMOUS = AnonymousUser()
NOON = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)


class Clock:
    def __init__(self, now=NOON):
        self.now = now

    def __call__(self):
        return self.now


def ids(page):
    return [card.id for card in page.items]


def everywhere(user, bob, photo):
    """Which lists and pages show the photo to its owner and to bob."""
    table = photo_repository()
    shown = {
        name
        for name, list_name in (
            ("feed", lists.FEED),
            ("owner", lists.owner_list(user.pk)),
            ("user", lists.user_list(user.pk)),
            ("tag", lists.tag_list("sea")),
            ("all", lists.ALL),
        )
        if photo.id in ids(table.list_page(list_name))
    }
    if photo.id in ids(table.search_titles("harbour")):
        shown.add("search")
    if photo.id in ids(table.favorites_page(bob.pk)):
        shown.add("bob's favourites")
    for viewer in (user, bob):
        try:
            photos.visible(viewer, photo.id)
            shown.add("page for owner" if viewer == user else "page for bob")
        except (PhotoHidden, PhotoInTrash):
            pass
    return shown


@pytest.fixture
def photo(aws, user):
    return publish(user, title="Harbour at dusk", tags="sea")


def test_trash_takes_the_photo_out_of_everything_and_restore_puts_it_all_back(aws, user, bob, photo):
    photos.favorite(bob, photo)
    album = albums.create(user, title="Trip", visibility=PUBLIC)
    first = publish(user, title="First")
    for each in (first, photo, publish(user, title="Last")):
        albums.add_photo(user, album, each.id)
    albums.set_cover(album, photo.id)
    before = everywhere(user, bob, photo)
    assert before == {"feed", "owner", "user", "tag", "all", "search", "bob's favourites", "page for owner",
                      "page for bob"}  # fmt: skip

    trashed = trash.trash(user, photo.id, clock=Clock())

    assert everywhere(user, bob, photo) == set()
    assert [card.title for card in albums.page(user, album.id).items] == ["First", "Last"]
    assert albums.visible(user, album.id).cover_photo_id == ""
    assert photo_repository().tag_count("sea") == 0
    assert photo_repository().photo_counts([user.pk]) == {user.pk: 3}  # it is still stored
    assert ids(trash.page(user)) == [photo.id]
    assert trash.page(user).items[0].purge_after == (NOON + timedelta(days=30)).isoformat(
        timespec="microseconds"
    )
    with pytest.raises(PhotoInTrash):
        photos.visible(user, photo.id)
    with pytest.raises(PhotoHidden):
        photos.visible(bob, photo.id)
    with pytest.raises(PhotoNotFound):
        photos.favorite(user, trashed)  # nobody favourites what is in the trash
    assert_lists_match_photos(aws)

    restored = trash.restore(user, photo.id)

    assert restored.trashed_at == "" and restored.revision == trashed.revision + 1
    assert everywhere(user, bob, photo) == before
    assert [card.title for card in albums.page(user, album.id).items] == ["First", "Harbour at dusk", "Last"]
    assert photos.favorite_state(bob, restored).count == 1
    assert trash.page(user).items == []
    assert photo_repository().tag_count("sea") == 1
    assert_lists_match_photos(aws)
    assert_no_orphans(aws)


def test_a_photo_in_the_trash_is_nobody_elses_to_act_on(aws, user, bob, photo):
    with pytest.raises(ChangeNotAllowed):
        trash.trash(bob, photo.id)
    trash.trash(user, photo.id)
    for act in (trash.restore, trash.delete_forever):
        with pytest.raises(trash.NotInTrash):
            act(bob, photo.id)
    with pytest.raises(trash.NotInTrash):
        trash.restore(ANONYMOUS, photo.id)
    assert trash.page(bob).items == []
    assert ids(trash.page(user)) == [photo.id]


def test_trash_and_restore_are_idempotent_and_restore_needs_a_trashed_photo(aws, user, photo):
    with pytest.raises(trash.NotInTrash):
        trash.restore(user, photo.id)
    first = trash.trash(user, photo.id)
    assert trash.trash(user, photo.id) == first
    trash.restore(user, photo.id)
    with pytest.raises(trash.NotInTrash):
        trash.restore(user, photo.id)
    with pytest.raises(trash.NotInTrash):
        trash.delete_forever(user, photo.id)


def test_a_stale_revision_trashes_nothing(aws, user, photo):
    photos.edit(photo, title="Renamed")
    with pytest.raises(PhotoChanged):
        trash.trash(user, photo.id, revision=photo.revision)
    assert trash.page(user).items == []


def test_a_restored_photo_comes_back_next_to_a_photo_appended_at_its_position(aws, user, photo):
    album = albums.create(user, title="Trip")
    first = publish(user, title="First")
    albums.add_photo(user, album, first.id)
    albums.add_photo(user, album, photo.id)
    trash.trash(user, photo.id)
    albums.add_photo(user, album, publish(user, title="Newcomer").id)  # takes the free position

    trash.restore(user, photo.id)

    assert [card.title for card in albums.page(user, album.id).items] == [
        "First",
        "Newcomer",
        "Harbour at dusk",
    ]
    entries = [item for item in _album_items(aws, album.id) if item["sk"].startswith("ENTRY#")]
    assert len({item["position"] for item in entries}) == 3


def test_restore_drops_the_albums_deleted_while_the_photo_was_in_the_trash(aws, user, photo):
    kept, gone = albums.create(user, title="Kept"), albums.create(user, title="Gone")
    for album in (kept, gone):
        albums.add_photo(user, album, photo.id)
    trash.trash(user, photo.id)
    albums.delete(albums.visible(user, gone.id))

    trash.restore(user, photo.id)

    assert [card.id for card in albums.page(user, kept.id).items] == [photo.id]
    items = [item["sk"] for item in aws.table_items() if item["pk"] == f"PHOTO#{photo.id}"]
    assert f"INALBUM#{gone.id}" not in items and f"INALBUM#{kept.id}" in items


def test_delete_forever_and_empty_remove_items_and_objects(aws, user, photo):
    private = publish(user, title="Mine", visibility=PRIVATE)
    kept = publish(user, title="Kept")
    album = albums.create(user, title="Trip")
    albums.add_photo(user, album, private.id)
    for each in (photo, private):
        trash.trash(user, each.id)

    trash.delete_forever(user, photo.id)
    assert ids(trash.page(user)) == [private.id]
    assert trash.empty(user) == 1

    assert trash.page(user).items == []
    assert [item["id"] for item in aws.table_items() if item["sk"] == "PHOTO"] == [kept.id]
    assert not [item for item in aws.table_items() if item["sk"].startswith("INALBUM#")]
    assert photo_repository().photo_counts([user.pk]) == {user.pk: 1}
    assert_no_orphans(aws)
    assert_lists_match_photos(aws)


def test_the_trash_lists_newest_trashed_first_in_pages(aws, user):
    made = [publish(user, title=f"Photo {number}") for number in range(3)]
    for minutes, each in enumerate(made):
        trash.trash(user, each.id, clock=Clock(NOON + timedelta(minutes=minutes)))

    first = trash.page(user, limit=2)
    second = trash.page(user, cursor=first.next_cursor, limit=2)

    assert ids(first) + ids(second) == [each.id for each in reversed(made)]
    assert second.next_cursor is None


def test_the_purge_removes_only_what_is_past_its_time(aws, user, settings):
    settings.PHOTOSHARE_TRASH_DAYS = 10
    old, recent, restored = (publish(user, title=title) for title in ("Old", "Recent", "Restored"))
    trash.trash(user, old.id, clock=Clock(NOON))
    trash.trash(user, restored.id, clock=Clock(NOON))
    trash.trash(user, recent.id, clock=Clock(NOON + timedelta(days=5)))
    trash.restore(user, restored.id)

    assert trash.purge_due(NOON + timedelta(days=10)) == 0  # not past it yet
    assert trash.purge_due(NOON + timedelta(days=10, seconds=1)) == 1
    assert trash.purge_due(NOON + timedelta(days=10, seconds=1)) == 0

    assert ids(trash.page(user)) == [recent.id]
    with pytest.raises(PhotoNotFound):
        photo_repository().get_photo(old.id)
    assert photo_repository().get_photo(restored.id).trashed_at == ""
    assert_no_orphans(aws)


def test_days_left_counts_started_days():
    card = type("Card", (), {"purge_after": (NOON + timedelta(days=30)).isoformat()})
    assert trash.days_left(card, NOON) == 30
    assert trash.days_left(card, NOON + timedelta(hours=1)) == 30
    assert trash.days_left(card, NOON + timedelta(days=30)) == 0
    assert trash.days_left(card, NOON + timedelta(days=40)) == 0


def _album_items(aws, album_id):
    return [item for item in aws.table_items() if item["pk"] == f"ALBUM#{album_id}"]


def test_reconcile_finds_nothing_in_a_trash_and_lists_favourites_a_crash_left_behind(
    aws, user, bob, photo, monkeypatch
):
    photos.favorite(bob, photo)
    album = albums.create(user, title="Trip")
    albums.add_photo(user, album, photo.id)
    trash.trash(user, photo.id)
    assert reconcile.find_orphans(min_age=timedelta(0)).clean  # entry-less membership, trash cards

    # The process dies between the restore's transaction and its favourites' follow-up.
    monkeypatch.setattr("gallery.storage.dynamodb.favorites.follow_edit", lambda photo: None)
    trash.restore(user, photo.id)
    monkeypatch.undo()
    report = reconcile.find_orphans(min_age=timedelta(0))
    assert report.misplaced_favorites == [photo.id]
    assert photo_repository().favorites_page(bob.pk).items == []

    reconcile.remove_orphans(report)

    assert ids(photo_repository().favorites_page(bob.pk)) == [photo.id]
    assert reconcile.find_orphans(min_age=timedelta(0)).clean


def test_the_daily_purge_is_a_job_of_the_worker(aws, user, settings, monkeypatch):
    from django.core.management import call_command

    from gallery.services import worker

    settings.PHOTOSHARE_TRASH_DAYS = 1
    photo = publish(user, title="Old")
    trash.trash(user, photo.id, clock=Clock(NOON))
    monkeypatch.setattr("gallery.services.trash.clock_now", lambda: NOON + timedelta(days=2))

    call_command("purge_trash", "--enqueue", stdout=io.StringIO())
    assert worker.work(wait_seconds=0, until_empty=True) == 1

    assert trash.page(user).items == []
    assert aws.object_keys() == []


def test_a_write_of_a_trashed_photo_puts_no_entry_back_in_its_albums(aws, user, photo):
    album = albums.create(user, title="Trip")
    albums.add_photo(user, album, photo.id)
    trash.trash(user, photo.id)

    photo_repository().update_photo(photo.id, title="Renamed meanwhile")  # e.g. a renditions backfill

    assert albums.page(user, album.id).items == []
    assert reconcile.find_orphans(min_age=timedelta(0)).clean
    trash.restore(user, photo.id)
    assert [card.title for card in albums.page(user, album.id).items] == ["Renamed meanwhile"]
