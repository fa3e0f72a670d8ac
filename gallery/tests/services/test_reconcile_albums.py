"""`manage.py reconcile` after ordinary use of albums and favourites (issue 21, finding 1): it
finds nothing, and --fix changes nothing — not a byte of the table, not an object of the bucket.
It used to file a photo's album memberships (INALBUM#) as list cards, report them as "not
matching their photo" and delete them with --fix; the album then lost track of its photos."""

from unittest import mock

import pytest
from django.test import Client

from gallery.domain.records import UNLISTED
from gallery.services import albums, photos
from gallery.storage import dynamodb
from gallery.storage.dynamodb import AlbumRepository, NotInAlbum, purge_photo
from gallery.tests import publishing
from gallery.tests.reconciling import reconcile

pytestmark = pytest.mark.django_db


def everything(aws):
    """The whole table and the bucket's keys: what a repair run must leave alone when all is well."""
    items = sorted(aws.table_items(), key=lambda item: (item["pk"], item["sk"]))
    return items, aws.object_keys()


def test_reconcile_finds_nothing_after_ordinary_use_and_fix_changes_nothing(aws, user, bob):
    photo = publishing.publish(user, title="Harbour", tags="sea")
    album = albums.create(user, title="Summer", visibility=UNLISTED)
    albums.add_photo(user, album, photo.id)
    photo = photos.edit(photos.visible(user, photo.id), title="Harbour at dusk")
    photos.favorite(bob, photo)
    before = everything(aws)

    found = reconcile()
    assert everything(aws) == before  # a dry run writes nothing
    fixed = reconcile("--fix")

    assert "list cards not matching their photo" not in found
    assert "No orphans." in found and "No orphans." in fixed
    assert everything(aws) == before


def test_after_fix_the_album_still_knows_its_photo(aws, user):
    photo = publishing.publish(user, title="Harbour")
    album = albums.create(user, title="Summer", visibility=UNLISTED)
    albums.add_photo(user, album, photo.id)
    photos.edit(photos.visible(user, photo.id), title="Harbour at dusk")

    reconcile("--fix")

    albums.remove_photo(album, photo.id)  # not "not in this album"
    with pytest.raises(NotInAlbum):
        albums.remove_photo(album, photo.id)
    albums.add_photo(user, album, photo.id)
    assert [card.id for card in albums.page(user, album.id).items] == [photo.id]  # once, not twice
    reconcile("--fix")
    photos.delete(photo.id)
    assert albums.page(user, album.id).items == []
    shared = Client().get(f"/albums/{album.id}/s/{album.share_token}/")
    assert shared.status_code == 200 and "Harbour" not in shared.content.decode()


def test_an_item_of_no_known_kind_is_reported_and_never_deleted(aws, user):
    photo = publishing.publish(user, title="Harbour")
    table = dynamodb.get_connection().table
    future = [
        {"pk": f"PHOTO#{photo.id}", "sk": "COMMENT#0001", "text": "a newer release's item"},
        {"pk": "FOLLOWS#7", "sk": "USER#9"},
    ]
    for item in future:
        table.put_item(Item=item)
    before = everything(aws)

    found = reconcile("--fix")

    for item in future:
        assert f"item of no known kind (left alone): {item['pk']} {item['sk']}" in found
    assert everything(aws) == before
    purge_photo(photo.id)  # a stray partition's purge keeps it too
    assert {(item["pk"], item["sk"]) for item in aws.table_items() if item["pk"].startswith("PHOTO#")} == {
        (future[0]["pk"], future[0]["sk"])
    }


def test_what_a_crash_in_an_album_delete_leaves_is_found_and_removed(aws, user):
    """The album item went; its entries and the photo's membership stayed (a crash before
    remove_entries): reported, and --fix takes them away; the photo can join again."""
    photo = publishing.publish(user, title="Harbour")
    album = albums.create(user, title="Summer")
    albums.add_photo(user, album, photo.id)
    with mock.patch.object(AlbumRepository, "remove_entries"):
        albums.delete(album)

    found = reconcile()
    reconcile("--fix")

    assert f"album {album.id} (photo {photo.id}): entry or membership of a missing album" in found
    assert "No orphans." in reconcile()
    assert [item for item in aws.table_items() if "INALBUM#" in item["sk"] or "ENTRY#" in item["sk"]] == []


def test_an_album_entry_left_by_a_photo_gone_by_hand_is_removed(aws, user):
    photo = publishing.publish(user, title="Harbour")
    album = albums.create(user, title="Summer", visibility=UNLISTED)
    albums.add_photo(user, album, photo.id)
    purge_photo(photo.id)  # the photo's partition went, its entry stayed in the album

    assert f"album {album.id} (photo {photo.id}): entry of a missing photo" in reconcile()
    reconcile("--fix")

    assert albums.page(user, album.id).items == []
    assert "No orphans." in reconcile()
