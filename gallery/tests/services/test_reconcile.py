"""`manage.py reconcile`: orphans left by a crash between steps, lists that disagree with their
photos and counters that are off are found, and repaired with --fix."""

import io
import re
from dataclasses import replace
from datetime import timedelta
from unittest import mock

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.test import Client

from gallery.domain.records import FavoriteState
from gallery.services.reconcile import find_orphans
from gallery.storage import dynamodb
from gallery.storage.dynamodb import consistency, schema
from gallery.tests import faults, publishing
from gallery.tests.direct_uploads import upload_file
from gallery.tests.factories import upload
from gallery.tests.reconciling import reconcile
from gallery.tests.stores import (
    assert_lists_match_photos,
    assert_no_orphans,
    assert_nothing_stored,
    photo_items,
)

pytestmark = pytest.mark.django_db


def publish(client, title):
    """Upload through the site; returns the photo's id and the keys of its objects."""
    response = client.post("/upload/", {"title": title, "image": upload()})
    photo_id = re.fullmatch(r"/photos/([0-9a-f]{32})/", response["Location"]).group(1)
    return photo_id, sorted(dynamodb.photo_repository().get_photo(photo_id).object_keys)


def crashed_upload(client):
    """An upload whose metadata write fails and whose clean-up fails too, as if the process had
    died between storing the objects and writing the item."""
    with faults.AwsCalls(fail_every={"dynamodb.TransactWriteItems", "s3.DeleteObject"}):
        response = client.post("/upload/", {"title": "Lost", "image": upload()})
    assert response.status_code == 503


def test_a_consistent_store_has_no_orphans(aws, logged_in_client):
    _, keys = publish(logged_in_client, "kept")

    output = reconcile("--fix")

    assert f"1 photos, {len(keys)} objects under photos/" in output and "No orphans." in output
    assert aws.object_keys() == keys


def test_objects_of_a_crashed_upload_are_found_and_removed_with_fix(aws, logged_in_client):
    _, kept = publish(logged_in_client, "kept")
    crashed_upload(logged_in_client)
    orphans = sorted(set(aws.object_keys()) - set(kept))
    assert len(orphans) >= 2  # original and thumbnail at least

    found = reconcile()
    assert aws.object_keys() == sorted(orphans + kept)  # only reported
    fixed = reconcile("--fix")

    for key in orphans:
        assert f"orphan object: {key}" in found
    assert "Run with --fix" in found
    assert f"Removed {len(orphans)} objects" in fixed
    assert aws.object_keys() == kept
    assert "No orphans." in reconcile()
    assert_no_orphans(aws)


def test_a_photo_whose_object_is_missing_is_removed_whole(aws, logged_in_client):
    kept_id, kept = publish(logged_in_client, "kept")
    broken_id, broken = publish(logged_in_client, "broken")
    default_storage.delete(f"photos/{broken_id}/thumb.jpg")

    found = reconcile()
    fixed = reconcile("--fix")

    assert f"photo with missing objects: {broken_id}" in found
    assert f"Removed {len(broken) - 1} objects and the items of 1 photos;" in fixed
    assert aws.object_keys() == kept
    assert {item["pk"] for item in photo_items(aws)} == {f"PHOTO#{kept_id}"}
    assert "broken" not in Client().get("/").content.decode()
    with pytest.raises(dynamodb.PhotoNotFound):
        dynamodb.photo_repository().get_photo(broken_id)
    assert_no_orphans(aws)


def test_list_cards_without_their_photo_are_removed(aws, logged_in_client):
    photo_id, _ = publish(logged_in_client, "half deleted")
    dynamodb.get_connection().table.delete_item(Key={"pk": f"PHOTO#{photo_id}", "sk": "PHOTO"})

    found = reconcile()
    reconcile("--fix")

    assert f"list cards without a photo: {photo_id}" in found
    assert_nothing_stored(aws)


def test_recent_unnamed_objects_are_left_alone(aws):
    default_storage.save("photos/" + "b" * 32 + "/original.jpg", ContentFile(b"in flight"))
    out = io.StringIO()

    call_command("reconcile", "--fix", stdout=out)  # default --min-age: one hour

    assert "1 unnamed objects younger than 3600 s left alone" in out.getvalue()
    assert "No orphans." in out.getvalue()
    assert aws.object_keys() == ["photos/" + "b" * 32 + "/original.jpg"]


def test_cards_that_disagree_with_their_photo_are_found_and_rewritten(aws, user):
    """A card with an old title, a card of a list the photo left (it is private now), a missing
    card: each is reported, and --fix makes the lists what the photo item says."""
    renamed = publishing.publish(user, title="Harbour", tags="sea")
    hidden = publishing.publish(user, title="Secret", tags="sea", visibility="private")
    table = dynamodb.get_connection().table
    table.update_item(
        Key={"pk": f"PHOTO#{renamed.id}", "sk": "LIST#FEED"},
        UpdateExpression="SET title = :old",
        ExpressionAttributeValues={":old": "Old title"},
    )
    table.delete_item(Key={"pk": f"PHOTO#{renamed.id}", "sk": "LIST#TAG#sea"})
    public_card = {**schema.card_items(replace(hidden, visibility="public"))[2]}
    table.put_item(Item=public_card)  # the private photo shown in a public list

    found = reconcile()
    fixed = reconcile("--fix")

    assert f"list cards not matching their photo: {hidden.id}" in found
    assert f"list cards not matching their photo: {renamed.id}" in found
    assert "rewrote the cards of 2 photos" in fixed
    assert "No orphans." in reconcile()
    feed = Client().get("/").content.decode()
    assert "Harbour" in feed and "Old title" not in feed and "Secret" not in feed
    assert [card.id for card in dynamodb.photo_repository().list_page("TAG#sea").items] == [renamed.id]
    assert_lists_match_photos(aws)


def test_reindex_gives_photos_stored_before_word_search_their_word_cards(aws, user):
    """A photo stored with the old title card (TITLE#<2 chars>) and no word cards: search does
    not find it until `manage.py reindex` rewrites its cards; a second run has nothing to do."""
    photo = publishing.publish(user, title="서울의 노을 Seoul sunset", tags="sea")
    table = dynamodb.get_connection().table
    for card in schema.card_items(photo):
        if card["list_pk"].startswith("WORD#"):
            table.delete_item(Key=schema.key_of(card))
    old = {"pk": f"PHOTO#{photo.id}", "sk": "LIST#TITLE#서울", "list_pk": "TITLE#서울"}
    table.put_item(Item={**old, "list_sk": f"서울의 노을 seoul sunset#{photo.created}#{photo.id}"})
    assert dynamodb.photo_repository().search_titles("seoul").items == []

    out = io.StringIO()
    call_command("reindex", stdout=out)

    assert "1 photos had stale cards; rewrote 1." in out.getvalue()
    assert [card.id for card in dynamodb.photo_repository().search_titles("seoul").items] == [photo.id]
    assert [card.id for card in dynamodb.photo_repository().search_titles("노을").items] == [photo.id]
    assert "LIST#TITLE#서울" not in {item["sk"] for item in photo_items(aws)}
    assert_lists_match_photos(aws)
    call_command("reindex", stdout=(again := io.StringIO()))
    assert "0 photos had stale cards" in again.getvalue()


def test_counters_that_are_off_are_found_and_set_to_the_count_of_their_cards(aws, user):
    publishing.publish(user, title="One", tags="sea, boats")
    publishing.publish(user, title="Two", tags="sea")
    table = dynamodb.get_connection().table
    table.put_item(Item={"pk": "TAGS", "sk": "TAG#sea", "tag": "sea", "photo_count": 7})  # drifted
    table.delete_item(Key={"pk": "TAGS", "sk": "TAG#boats"})  # an ADD that never came
    table.put_item(Item={"pk": "TAGS", "sk": "TAG#gone", "tag": "gone", "photo_count": 1})
    table.put_item(Item={"pk": "OWNERS", "sk": f"OWNER#{user.pk}", "photo_count": 1})

    found = reconcile()
    fixed = reconcile("--fix")

    assert "counter TAG#sea is 7, should be 2" in found
    assert "counter TAG#boats is 0, should be 1" in found
    assert "counter TAG#gone is 1, should be 0" in found
    assert f"counter OWNER#{user.pk} is 1, should be 2" in found
    assert "set 4 counters" in fixed
    assert "No orphans." in reconcile()
    assert [(count.tag, count.count) for count in dynamodb.photo_repository().tag_counts()] == [
        ("sea", 2),
        ("boats", 1),
    ]
    assert dynamodb.photo_repository().photo_counts([user.pk]) == {user.pk: 2}
    assert_lists_match_photos(aws)


def test_a_counter_that_moves_while_reconcile_runs_is_left_for_the_next_run(aws, user):
    publishing.publish(user, title="One", tags="sea")
    table = dynamodb.get_connection().table
    table.put_item(Item={"pk": "TAGS", "sk": "TAG#sea", "tag": "sea", "photo_count": 5})
    [(counter, stored, true)] = find_orphans(min_age=timedelta(0)).wrong_counts
    publishing.publish(user, title="Two", tags="sea")  # counts sea from 5 to 6 meanwhile

    assert consistency.set_count(counter, stored, true) is False
    assert dynamodb.photo_repository().tag_count("sea") == 6  # not overwritten with a stale count
    assert "counter TAG#sea is 6, should be 2" in reconcile()
    reconcile("--fix")
    assert dynamodb.photo_repository().tag_count("sea") == 2


def test_a_processing_photo_is_not_broken_and_its_upload_is_not_an_orphan(aws, logged_in_client):
    upload_id, response = upload_file(logged_in_client)
    assert response.status_code == 202

    assert "No orphans." in reconcile("--fix")
    assert dynamodb.photo_repository().get_photo(upload_id).status == "processing"
    assert_no_orphans(aws)


def test_favourites_a_crash_left_on_a_private_photo_are_removed(aws, user, bob):
    photo = publishing.publish(user, title="Turned private")
    table = dynamodb.photo_repository()
    table.add_favorite(photo, bob.pk)
    table.add_favorite(photo, user.pk)
    # The process dies after the edit's transaction, before the favourites are followed up.
    with mock.patch("gallery.storage.dynamodb.favorites.follow_edit"):
        table.update_photo(photo.id, visibility="private")
    # The crash window: bob's copy of the card still says public, until reconcile runs.
    assert [card.id for card in table.favorites_page(bob.pk).items] == [photo.id]

    found = reconcile()
    fixed = reconcile("--fix")

    assert f"favourite of user {bob.pk} of private photo {photo.id}" in found
    assert "Removed" in fixed
    assert table.favorite_state(photo.id, bob.pk) == FavoriteState(count=1, favorited=False)
    assert table.favorites_page(bob.pk).items == []
    assert [card.id for card in table.favorites_page(user.pk).items] == [photo.id]  # the owner's stays
    assert "No orphans." in reconcile()


def test_a_favourite_count_that_is_off_is_recounted(aws, user, bob):
    photo = publishing.publish(user, title="Counted")
    table = dynamodb.photo_repository()
    table.add_favorite(photo, bob.pk)
    dynamodb.get_connection().table.update_item(
        Key=schema.favorite_count_key(photo.id),
        UpdateExpression="ADD favorite_count :two",
        ExpressionAttributeValues={":two": 2},
    )  # as if an ADD had been applied twice

    assert f"favourite count of {photo.id}: 3, should be 1" in reconcile()
    reconcile("--fix")

    assert table.favorite_state(photo.id).count == 1
    assert "No orphans." in reconcile()
