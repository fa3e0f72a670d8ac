"""Follows and the "Following" feed (gallery.services.follows): who follows whom, and what each
feed holds once the worker ran, after uploads, edits, trash, restore, deletes and unfollows."""

import pytest

from gallery.domain import follows as rules
from gallery.services import follows, photos, trash
from gallery.storage.dynamodb import InvalidCursor, photo_repository
from gallery.storage.dynamodb import follows as stored
from gallery.tests.direct_uploads import run_worker
from gallery.tests.factories import confirmed_user, make_photo
from gallery.tests.publishing import publish

pytestmark = pytest.mark.django_db


def feed_titles(user, **options):
    return [card.title for card in follows.feed_page(user, **options).items]


def test_following_someone_shows_their_public_photos_newest_first(people):
    ann, ben = people
    publish(ben, title="Older")
    publish(ben, title="Private", visibility="private")
    assert follows.follow(ann, ben) is True
    assert follows.follow(ann, ben) is False  # idempotent
    run_worker()
    publish(ben, title="Newer")
    run_worker()
    assert feed_titles(ann) == ["Newer", "Older"]
    assert follows.counts(ben) == (1, 0) and follows.counts(ann) == (0, 1)
    assert follows.is_following(ann, ben) and not follows.is_following(ben, ann)


def test_nobody_follows_themselves(people):
    ann, _ = people
    with pytest.raises(rules.CannotFollowSelf):
        follows.follow(ann, ann)
    assert follows.counts(ann) == (0, 0)


def test_a_photo_leaves_the_feed_when_private_trashed_or_deleted_and_comes_back_on_restore(people):
    ann, ben = people
    follows.follow(ann, ben)
    one, two = publish(ben, title="One"), publish(ben, title="Two")
    run_worker()
    photos.edit(one, visibility="private")
    trash.trash(ben, two.id)
    run_worker()
    assert feed_titles(ann) == []
    trash.restore(ben, two.id)
    run_worker()
    assert feed_titles(ann) == ["Two"]
    photos.edit(photo_repository().get_photo(two.id), title="Two, renamed")
    run_worker()
    assert feed_titles(ann) == ["Two, renamed"]
    photos.delete(two.id)
    run_worker()
    assert feed_titles(ann) == []


def test_unfollow_empties_the_feed_of_that_person_only(people):
    ann, ben = people
    cat = confirmed_user("cat", "a long pass phrase 3")
    follows.follow(ann, ben)
    follows.follow(ann, cat)
    publish(ben, title="Ben's")
    publish(cat, title="Cat's")
    run_worker()
    assert follows.unfollow(ann, ben) is True
    assert follows.unfollow(ann, ben) is False
    run_worker()
    assert feed_titles(ann) == ["Cat's"]
    assert follows.counts(ben) == (0, 0) and follows.counts(ann) == (0, 1)


def test_a_job_delivered_late_or_twice_ends_right(people):
    ann, ben = people
    follows.follow(ann, ben)
    photo = publish(ben, title="Once")
    run_worker()
    follows.sync_photo(photo.id, ben.pk, photo.created)  # a second delivery
    assert feed_titles(ann) == ["Once"]
    follows.unfollow(ann, ben)
    assert follows.backfill(ann.pk, ben.pk) == 0  # a follow's job delivered after the unfollow
    run_worker()
    assert feed_titles(ann) == []


def test_a_photo_of_someone_nobody_follows_queues_nothing(people):
    _, ben = people
    publish(ben)
    assert run_worker() == 0


def test_pages_follow_the_cursor_and_it_is_bound_to_its_reader(people):
    ann, ben = people
    follows.follow(ann, ben)
    for number in range(5):
        photo_repository().put_photo(make_photo(number + 1, owner_id=ben.pk, status="ready"))
    run_worker()
    first = follows.feed_page(ann, limit=2)
    assert [card.title for card in first.items] == ["Photo 5", "Photo 4"]
    second = follows.feed_page(ann, cursor=first.next_cursor, limit=2)
    third = follows.feed_page(ann, cursor=second.next_cursor, limit=2)
    assert [card.title for card in second.items + third.items] == ["Photo 3", "Photo 2", "Photo 1"]
    assert third.next_cursor is None
    with pytest.raises(InvalidCursor):
        follows.feed_page(ben, cursor=first.next_cursor)


def test_a_wide_persons_photos_are_merged_at_read_time(people, monkeypatch):
    ann, ben = people
    monkeypatch.setattr(rules, "FANOUT_LIMIT", 1)
    cat = confirmed_user("cat", "a long pass phrase 3")
    follows.follow(ann, ben)
    follows.follow(cat, ben)  # two followers: over the limit
    follows.follow(ann, cat)
    photo_repository().put_photo(make_photo(1, owner_id=ben.pk, status="ready"))  # copied before
    photo_repository().put_photo(make_photo(2, owner_id=cat.pk, status="ready"))
    run_worker()
    photo_repository().put_photo(make_photo(3, owner_id=ben.pk, status="ready"))
    run_worker()
    assert stored.is_wide(ben.pk)[0] == 2 and stored.is_wide(ben.pk)[1]
    page = follows.feed_page(ann, limit=2)
    assert [card.title for card in page.items] == ["Photo 3", "Photo 2"]
    assert feed_titles(ann, cursor=page.next_cursor, limit=2) == ["Photo 1"]
    assert feed_titles(cat) == ["Photo 3", "Photo 1"]
