"""A follower's feed keeps at most PHOTOSHARE_FEED_MAX_ENTRIES entries: the fan-out job (feed_sync,
a follow's backfill) deletes the oldest once a feed passes it, down to rules.trimmed_size; the
trim is idempotent, never touches wide marks or items of no declared kind, and the page says
when the feed ends."""

import pytest
from django.test import override_settings

from gallery.domain import follows as rules
from gallery.services import follows
from gallery.storage.dynamodb import follows as stored
from gallery.storage.dynamodb import get_connection
from gallery.tests.direct_uploads import run_worker
from gallery.tests.publishing import publish

pytestmark = pytest.mark.django_db

LIMIT = 5


def feed_titles(user):
    return [card.title for card in follows.feed_page(user, limit=100).items]


def feed_size(user):
    return int(get_connection().table.get_item(Key=stored.counts_key(user.pk))["Item"].get("feed_size", 0))


def test_trimmed_size_keeps_at_most_the_limit():
    assert [rules.trimmed_size(limit) for limit in (1, 5, 10, 1000)] == [0, 4, 9, 900]


@override_settings(PHOTOSHARE_FEED_MAX_ENTRIES=LIMIT)
def test_new_photos_push_the_oldest_out_of_a_full_feed(people):
    ann, ben = people
    follows.follow(ann, ben)
    run_worker()
    for number in range(1, 8):
        publish(ben, title=f"Photo {number}")
        run_worker()
        assert len(feed_titles(ann)) <= LIMIT

    # The 6th passed the limit: cut to 4 (photos 3-6); the 7th made it 5.
    assert feed_titles(ann) == [f"Photo {number}" for number in range(7, 2, -1)]
    assert feed_size(ann) == LIMIT
    assert stored.trim_feed(ann.pk, LIMIT) == 0  # idempotent: a second delivery deletes nothing
    assert feed_titles(ann) == [f"Photo {number}" for number in range(7, 2, -1)]


@override_settings(PHOTOSHARE_FEED_MAX_ENTRIES=LIMIT)
def test_a_backfill_over_the_limit_is_trimmed_and_marks_and_unknown_items_stay(people):
    ann, ben = people
    for number in range(1, 8):
        publish(ben, title=f"Photo {number}")
    odd = {"pk": stored.feed_pk(ann.pk), "sk": "2000-01-01#not-an-entry"}
    get_connection().table.put_item(Item=odd)
    stored.put_wide_marks([ann.pk], 12345)

    follows.follow(ann, ben)
    run_worker()

    assert feed_titles(ann) == [f"Photo {number}" for number in range(7, 3, -1)]
    assert get_connection().table.get_item(Key=odd).get("Item") == odd
    assert stored.wide_key(ann.pk, 12345) in list(stored.feed_keys(ann.pk))


@override_settings(PHOTOSHARE_FEED_MAX_ENTRIES=LIMIT)
def test_edits_count_again_so_a_trim_comes_early_and_sets_the_size_right(people):
    ann, ben = people
    follows.follow(ann, ben)
    photo = publish(ben, title="Edited")
    run_worker()
    assert feed_size(ann) == 2  # the follow's backfill and the upload's sync both wrote it
    for _ in range(LIMIT):
        follows.sync_photo(photo.id, ben.pk, photo.created)  # a rewrite of the same entry
    # The 4th rewrite made it 6 > LIMIT: the trim kept the one entry and counted it; then one more.
    assert feed_titles(ann) == ["Edited"] and feed_size(ann) == 2


@override_settings(PHOTOSHARE_FEED_MAX_ENTRIES=3)
@pytest.mark.parametrize(
    ("language", "end"),
    [
        ("en", "This is the end of your feed: it keeps the newest 3 photos"),
        ("ko", "최신 사진 3장까지 보관해요"),
    ],
)
def test_the_page_says_where_the_feed_ends(people, client, language, end):
    ann, ben = people
    follows.follow(ann, ben)
    for number in range(1, 5):
        publish(ben, title=f"Photo {number}")
        run_worker()
    client.cookies["django_language"] = language
    client.force_login(ann)

    page = client.get("/following/").content.decode()
    assert "Photo 4" in page and "Photo 1" not in page and end in page

    past = client.get("/following/", {"cursor": follows.feed_page(ann, limit=1).next_cursor})
    assert end in past.content.decode()
