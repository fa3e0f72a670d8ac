"""`manage.py reconcile` on follows and feeds: counts that disagree with the follow items are
recounted, feed entries and wide marks the follows and photos do not call for are removed (or
rewritten when only their card is old), and items of no declared kind are left alone."""

from datetime import timedelta
from unittest import mock

import pytest

from gallery.services import follows, photos
from gallery.services.reconcile import find_orphans
from gallery.storage.dynamodb import follow_consistency, get_connection, photo_repository
from gallery.storage.dynamodb import follows as stored
from gallery.tests.direct_uploads import run_worker
from gallery.tests.factories import confirmed_user
from gallery.tests.publishing import publish
from gallery.tests.reconciling import reconcile

pytestmark = pytest.mark.django_db


def feed_titles(user):
    return [card.title for card in follows.feed_page(user).items]


def test_follows_and_feeds_made_by_the_use_cases_are_clean(people):
    ann, ben = people
    follows.follow(ann, ben)
    publish(ben, title="Shown")
    run_worker()

    report = find_orphans(min_age=timedelta(0))

    assert report.wrong_follow_counts == [] and report.feed_problems == []
    assert "No orphans." in reconcile()


def test_counts_left_behind_by_a_crash_are_recounted_and_keep_the_wide_mark(people):
    ann, ben = people
    follows.follow(ann, ben)
    # A process that died between a follow's delete and its counts' ADD, and a stray ADD.
    get_connection().table.delete_item(Key=stored.follow_key(ann.pk, ben.pk))
    get_connection().table.update_item(
        Key=stored.counts_key(ben.pk),
        UpdateExpression="SET wide = :w",
        ExpressionAttributeValues={":w": "2026-01-01T00:00:00"},
    )

    output = reconcile()
    assert f"follow counts of user {ann.pk}: (0, 1), should be (0, 0)" in output
    assert f"follow counts of user {ben.pk}: (1, 0), should be (0, 0)" in output

    reconcile("--fix")

    assert follows.counts(ann) == (0, 0) and follows.counts(ben) == (0, 0)
    assert stored.is_wide(ben.pk)[1] == "2026-01-01T00:00:00"
    assert find_orphans(min_age=timedelta(0)).clean


def test_a_count_that_moves_while_reconcile_runs_is_left_for_the_next_run(people):
    ann, ben = people
    follows.follow(ann, ben)
    assert follow_consistency.set_follow_counts(ben.pk, (5, 0), (0, 0)) is False
    assert follows.counts(ben) == (1, 0)


def test_stale_feed_entries_are_removed_and_old_cards_rewritten(people):
    ann, ben = people
    cat = confirmed_user("cat", "a long pass phrase 3")
    follows.follow(ann, ben)
    follows.follow(ann, cat)
    publish(ben, title="Kept")
    hidden, renamed, gone = (publish(ben, title=title) for title in ("Hidden", "Renamed", "Gone"))
    publish(cat, title="Cat's")
    run_worker()
    # Writes whose feed jobs were lost (the worker's queue unavailable, a crash): the feeds lag.
    with mock.patch.object(stored, "photo_changed"):
        photos.edit(hidden, visibility="private")
        photos.edit(photo_repository().get_photo(renamed.id), title="Renamed again")
        photos.delete(gone.id)
    stored.remove_follow(ann.pk, cat.pk)  # its feed_unfollow job never queued
    run_worker()

    report = find_orphans(min_age=timedelta(0))
    problems = {(problem.what, problem.repair) for problem in report.feed_problems}
    assert problems == {
        ("photo not public", "remove"),
        ("out-of-date card", "rewrite"),
        ("photo gone", "remove"),
        (f"owner {cat.pk} not followed", "remove"),
    }
    assert "out-of-date card (rewrite)" in reconcile()

    reconcile("--fix")

    assert feed_titles(ann) == ["Renamed again", "Kept"]
    assert find_orphans(min_age=timedelta(0)).clean


def test_wide_marks_without_a_follow_or_a_wide_person_are_removed(people):
    ann, ben = people
    stored.put_wide_marks([ann.pk], ben.pk)

    report = find_orphans(min_age=timedelta(0))
    assert [problem.what for problem in report.feed_problems] == [f"wide mark of user {ben.pk}, not followed"]

    reconcile("--fix")
    assert list(stored.feed_keys(ann.pk)) == []


def test_an_item_of_no_declared_kind_in_a_feed_partition_is_reported_and_kept(people):
    ann, _ = people
    odd = {"pk": stored.feed_pk(ann.pk), "sk": "LATER#kind"}
    get_connection().table.put_item(Item=odd)

    assert "item of no known kind (left alone)" in reconcile("--fix")
    assert get_connection().table.get_item(Key=odd).get("Item") == odd
    assert photo_repository()  # the table is still served
