"""gallery.services.batch: one action on many photos, all or nothing per photo, with each photo's
result; chunked transactions; a photo changed in another tab meanwhile; against moto over HTTP."""

from dataclasses import replace

import pytest

from gallery.domain.lists import FEED, MAX_ALBUMS_PER_PHOTO, tag_list_for
from gallery.domain.records import PROCESSING, PUBLIC
from gallery.services import albums, batch, trash
from gallery.services.batch import BatchRefused
from gallery.storage.dynamodb import (
    AlbumNotFound,
    PhotoChanged,
    album_repository,
    batches,
    get_connection,
    photo_repository,
    schema,
)
from gallery.tests.factories import make_photo
from gallery.tests.stores import assert_lists_match_photos

pytestmark = pytest.mark.django_db


def stored(*photos):
    for photo in photos:
        photo_repository().put_photo(photo)
    return photos


def texts(results):
    return {photo_id: batch.result_text(error) for photo_id, error in results.items()}


def tags_of(photo):
    return photo_repository().get_photo(photo.id).tags


def list_ids(list_name):
    return [card.id for card in photo_repository().list_page(list_name, limit=600).items]


@pytest.fixture
def mixed(aws, user, bob):
    """alice's two ready photos, one processing; bob's public and private ones."""
    return stored(
        make_photo(1, owner_id=user.pk),
        make_photo(2, owner_id=user.pk, tags=("sea", "sky")),
        make_photo(3, owner_id=user.pk, status=PROCESSING),
        make_photo(4, owner_id=bob.pk),
        make_photo(5, owner_id=bob.pk, visibility="private"),
    )


def test_each_photo_gets_its_own_result_and_only_the_callers_ready_photos_change(aws, user, mixed):
    missing = f"{99:032x}"
    ids = [photo.id for photo in mixed] + [missing]

    results = texts(batch.apply(user, batch.ADD_TAGS, ids, tags=["harbour", "sea"]))

    assert list(results) == ids  # in the order asked
    assert results == {
        mixed[0].id: "ok",
        mixed[1].id: "ok",
        mixed[2].id: "The photo is still being processed; it can be changed once it is ready.",
        mixed[3].id: "Only the owner can change this photo.",
        mixed[4].id: "No such photo.",  # someone's private photo is as missing as a missing one
        missing: "No such photo.",
    }
    assert tags_of(mixed[0]) == ["sea", "harbour"]
    assert tags_of(mixed[1]) == ["sea", "sky", "harbour"]
    assert tags_of(mixed[3]) == ["sea"]
    assert list_ids(tag_list_for("harbour")) == [mixed[1].id, mixed[0].id]
    assert_lists_match_photos(aws)


def test_a_photo_that_would_pass_the_tag_limit_is_refused_alone(settings, user, mixed):
    settings.PHOTOSHARE_MAX_TAGS = 3

    results = texts(batch.apply(user, batch.ADD_TAGS, [mixed[0].id, mixed[1].id], tags=["a", "b"]))

    assert results == {mixed[0].id: "ok", mixed[1].id: "At most 3 tags, please."}
    assert tags_of(mixed[0]) == ["sea", "a", "b"]
    assert tags_of(mixed[1]) == ["sea", "sky"]  # nothing of it: not "a" alone


def test_remove_tags_and_visibility_move_the_photos_between_lists(aws, user, mixed):
    own = [mixed[0].id, mixed[1].id]

    assert texts(batch.apply(user, batch.REMOVE_TAGS, own, tags=["sky", "none"])) == dict.fromkeys(own, "ok")
    assert tags_of(mixed[1]) == ["sea"]
    assert texts(batch.apply(user, batch.SET_VISIBILITY, own, visibility="private")) == dict.fromkeys(
        own, "ok"
    )

    assert not set(own) & (set(list_ids(FEED)) | set(list_ids(tag_list_for("sea"))))
    assert_lists_match_photos(aws)
    # Asking again changes nothing and is still "ok".
    assert texts(batch.apply(user, batch.SET_VISIBILITY, own, visibility="private")) == dict.fromkeys(
        own, "ok"
    )
    assert photo_repository().get_photo(mixed[0].id).revision == 1


def test_add_to_album_appends_in_order_and_judges_each_photo(user, mixed):
    album = albums.create(user, title="Harbour")
    albums.add_photo(user, album, mixed[1].id)
    full = stored(make_photo(6, owner_id=user.pk))[0]
    for number in range(MAX_ALBUMS_PER_PHOTO):
        albums.add_photo(user, albums.create(user, title=f"A{number}"), full.id)
    ids = [mixed[0].id, mixed[1].id, mixed[2].id, mixed[3].id, full.id]

    results = texts(batch.apply(user, batch.ADD_TO_ALBUM, ids, album_id=album.id))

    assert results == {
        mixed[0].id: "ok",
        mixed[1].id: "ok",  # in it already
        mixed[2].id: "The photo is still being processed; it can be changed once it is ready.",
        mixed[3].id: "Only the owner can change this photo.",
        full.id: f"A photo can be in at most {MAX_ALBUMS_PER_PHOTO} albums.",
    }
    assert [card.id for card in albums.page(user, album.id).items] == [mixed[1].id, mixed[0].id]


@pytest.mark.parametrize(
    ("action", "ids", "arguments", "field"),
    [
        ("rotate", ["a" * 32], {}, "action"),
        (batch.ADD_TAGS, [], {"tags": ["x"]}, "photo_ids"),
        (batch.ADD_TAGS, [f"{n:032x}" for n in range(501)], {"tags": ["x"]}, "photo_ids"),
        (batch.ADD_TAGS, ["a" * 32], {}, "tags"),
        (batch.ADD_TAGS, ["a" * 32], {"tags": ["a/b"]}, "tags"),
        (batch.ADD_TAGS, ["a" * 32], {"tags": " , "}, "tags"),
        (batch.ADD_TAGS, ["../x"], {"tags": ["x"]}, "photo_ids"),
        (batch.ADD_TAGS, [7], {"tags": ["x"]}, "photo_ids"),
        (batch.SET_VISIBILITY, ["a" * 32], {"visibility": "unlisted"}, "visibility"),
        (batch.ADD_TO_ALBUM, ["a" * 32], {}, "album_id"),
    ],
)
def test_a_batch_that_cannot_be_applied_is_refused_whole(aws, user, action, ids, arguments, field):
    with pytest.raises(BatchRefused) as refused:
        batch.apply(user, action, ids, **arguments)
    assert (refused.value.status, refused.value.field) == (400, field)


@pytest.fixture
def transaction_sizes(aws):
    """The number of actions of each TransactWriteItems sent from now on."""
    sizes = []
    events = get_connection().client.meta.events

    def record(params, **kwargs):
        sizes.append(len(params["TransactItems"]))

    events.register("provide-client-params.dynamodb.TransactWriteItems", record)
    yield sizes
    events.unregister("provide-client-params.dynamodb.TransactWriteItems", record)


def test_photos_go_whole_in_requests_of_at_most_100_actions(aws, user, transaction_sizes):
    many = stored(*(make_photo(n, owner_id=user.pk, tags=(), title="Harbour") for n in range(1, 41)))
    transaction_sizes.clear()

    results = batch.apply(user, batch.ADD_TAGS, [photo.id for photo in many], tags=["harbour"])

    assert set(texts(results).values()) == {"ok"}
    # Each photo's write (its item and every card, the new tag's among them) whole in one request.
    per_photo = 1 + len(schema.card_items(replace(many[0], tags=["harbour"])))
    assert transaction_sizes == [per_photo * (100 // per_photo)] * (40 // (100 // per_photo)) + [
        per_photo * (40 % (100 // per_photo))
    ]
    assert len(list_ids(tag_list_for("harbour"))) == 40
    assert_lists_match_photos(aws)


def test_a_photo_changed_in_another_tab_is_read_again_and_ends_with_both_changes(user, mixed, monkeypatch):
    read = batches.photos_with_items

    def read_then_other_tab_edits(ids):
        found = read(ids)
        if mixed[0].id in found and photo_repository().get_photo(mixed[0].id).revision == 0:
            photo_repository().update_photo(mixed[0].id, title="Renamed in the other tab")
        return found

    monkeypatch.setattr(batches, "photos_with_items", read_then_other_tab_edits)

    results = texts(batch.apply(user, batch.ADD_TAGS, [mixed[0].id, mixed[1].id], tags=["x"]))

    assert results == {mixed[0].id: "ok", mixed[1].id: "ok"}
    photo = photo_repository().get_photo(mixed[0].id)
    assert (photo.title, photo.tags) == ("Renamed in the other tab", ["sea", "x"])


def test_a_photo_that_keeps_changing_gets_an_error_and_none_of_the_change(user, mixed, monkeypatch):
    read = batches.photos_with_items

    def read_then_other_tab_edits(ids):
        found = read(ids)
        if mixed[0].id in found:
            photo_repository().update_photo(mixed[0].id, title=f"Tab {found[mixed[0].id][0].revision}")
        return found

    monkeypatch.setattr(batches, "photos_with_items", read_then_other_tab_edits)

    results = batch.apply(user, batch.SET_VISIBILITY, [mixed[0].id, mixed[1].id], visibility="private")

    assert isinstance(results[mixed[0].id], PhotoChanged) and results[mixed[1].id] is None
    photo = photo_repository().get_photo(mixed[0].id)
    assert (photo.visibility, photo.revision) == (PUBLIC, batch.ATTEMPTS)


def test_an_album_deleted_meanwhile_fails_every_photo_and_adds_none(user, mixed):
    album = albums.create(user, title="Gone")
    with pytest.raises(AlbumNotFound):  # gone before: the whole batch is a 404
        album_repository().delete_album(album)
        batch.apply(user, batch.ADD_TO_ALBUM, [mixed[0].id], album_id=album.id)

    results = batches.add_to_album(album, [mixed[0], mixed[1]])  # gone between the read and the write

    assert set(texts(results).values()) == {"No such album."}
    assert batches.album_ids(photo_repository().photo_with_items(mixed[0].id)[1]) == set()


def test_trash_and_restore_through_the_trash_use_cases_only_for_the_callers_photos(user, bob, mixed):
    ids = [mixed[0].id, mixed[1].id, mixed[3].id]

    results = texts(batch.apply(user, batch.TRASH, ids))

    assert results == {
        mixed[0].id: "ok",
        mixed[1].id: "ok",
        mixed[3].id: "Only the owner can change this photo.",
    }
    assert {card.id for card in trash.page(user).items} == {mixed[0].id, mixed[1].id}
    assert mixed[0].id not in list_ids(FEED)
    bob.is_staff = True  # staff trash one photo at a time, never someone else's in a batch
    assert texts(batch.apply(bob, batch.RESTORE, [mixed[0].id])) == {mixed[0].id: "No such photo."}

    assert texts(batch.apply(user, batch.RESTORE, ids[:2])) == dict.fromkeys(ids[:2], "ok")
    assert set(ids[:2]) <= set(list_ids(FEED))
    assert trash.page(user).items == []


def test_the_photos_left_when_the_time_runs_out_are_untouched_and_say_so(user, mixed, monkeypatch):
    monkeypatch.setattr(batch, "SLICE", 1)
    ticks = iter([0.0, 1.0, batch.TIME_BUDGET + 1])  # the start, before photo 1, before photo 2

    results = texts(
        batch.apply(user, batch.ADD_TAGS, [mixed[0].id, mixed[1].id], tags=["x"], clock=lambda: next(ticks))
    )

    assert results == {
        mixed[0].id: "ok",
        mixed[1].id: "Not done: the batch took too long. Select this photo again.",
    }
    assert tags_of(mixed[1]) == ["sea", "sky"]
