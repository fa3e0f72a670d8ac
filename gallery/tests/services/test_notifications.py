"""Notifications (gallery.services.notifications): made by a favourite, a comment, a mention and a
follow; never of oneself nor from someone blocked; hidden when their photo turns hidden or their
actor is suspended; the unread count moves once per change; a backend down never fails the action."""

import io
from datetime import UTC, datetime, timedelta

import pytest
from django.core import mail
from django.core.management import call_command
from hypothesis import given
from hypothesis import strategies as st

from accounts.models import AccountLanguage, Profile
from gallery.domain import notifications as rules
from gallery.services import blocks, comments, follows, notifications, photos, suspensions, trash
from gallery.services.reconcile import find_orphans, remove_orphans
from gallery.storage.dynamodb import MetadataUnavailable
from gallery.storage.dynamodb import notifications as stored
from gallery.tests.direct_uploads import run_worker
from gallery.tests.factories import confirmed_user
from gallery.tests.publishing import publish

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(aws):
    return (
        confirmed_user("ann", "a long pass phrase"),
        confirmed_user("ben", "a long pass phrase 2"),
        confirmed_user("cat", "a long pass phrase 3"),
    )


def kinds(user):
    return [(n.kind, n.actor) for n in notifications.page(user).items]


def test_a_favourite_a_comment_a_mention_and_a_follow_notify_once_each(people):
    ann, ben, cat = people
    photo = publish(ann, title="Sea")
    assert photos.favorite(ben, photo) and not photos.favorite(ben, photo)
    comments.write(ben, photo, "Lovely, @cat and @ann")
    follows.follow(ben, ann)
    assert kinds(ann) == [("follow", "ben"), ("comment", "ben"), ("favorite", "ben")]
    assert kinds(cat) == [("mention", "ben")]  # ann, the owner, hears of the comment once
    assert notifications.unread_count(ann) == 3 == notifications.unread(ann)
    assert notifications.page(ann).items[1].photo_title == "Sea"


def test_nothing_of_oneself_nor_from_someone_blocked(people):
    ann, ben, _cat = people
    photo = publish(ann)
    photos.favorite(ann, photo)
    comments.write(ann, photo, "mine, @ann")
    blocks.block(ann, ben)
    photos.favorite(ben, photo)
    assert kinds(ann) == [] and notifications.unread_count(ann) == 0


def test_an_edit_notifies_only_the_newly_mentioned(people):
    ann, ben, cat = people
    photo = publish(ann)
    comment = comments.write(ben, photo, "hi @cat")
    comments.edit(ben, comment, photo, "hi @cat and @ann")
    assert kinds(cat) == [("mention", "ben")]
    assert kinds(ann) == [("comment", "ben")]


def test_a_photo_turning_private_trashed_or_deleted_hides_them_and_the_count_follows(people):
    ann, ben, cat = people
    photo = publish(ann)
    comments.write(ben, photo, "hi @cat")
    assert notifications.unread_count(cat) == 1
    photos.edit(photo, visibility="private")
    assert kinds(cat) == []  # read time: no write was needed to hide it
    assert notifications.unread_count(cat) == 0  # the page retired it
    second = publish(ann)
    comments.write(ben, second, "again @cat")
    trash.trash(ann, second.id)
    assert notifications.unread(cat) == 0 and kinds(cat) == []
    third = publish(ann)
    comments.write(ben, third, "@cat")
    photos.delete(third.id)
    assert kinds(cat) == []


def test_a_suspended_or_blocked_actor_hides_them(people):
    ann, ben, cat = people
    follows.follow(ben, ann)
    follows.follow(cat, ann)
    suspensions.suspend(ben)
    assert kinds(ann) == [("follow", "cat")]
    blocks.block(ann, cat)
    assert kinds(ann) == []


def test_mark_read_is_idempotent_and_counts_once(people):
    ann, ben, cat = people
    follows.follow(ben, ann)
    follows.follow(cat, ann)
    first = notifications.page(ann).items[0]
    assert notifications.mark_read(ann, [first.id, first.id]) == 1
    assert notifications.mark_read(ann, [first.id]) == 0
    assert notifications.unread_count(ann) == 1
    assert notifications.mark_all_read(ann) == 1
    assert notifications.mark_all_read(ann) == 0
    assert notifications.unread_count(ann) == 0
    assert all(n.read for n in notifications.page(ann).items)
    with pytest.raises(rules.NoSuchNotification):
        notifications.mark_read(ann, ["not-an-id"])


def test_someone_elses_notification_cannot_be_marked(people):
    ann, ben, _cat = people
    follows.follow(ann, ben)
    theirs = notifications.page(ben).items[0]
    assert notifications.mark_read(ann, [theirs.id]) == 0
    assert notifications.unread_count(ben) == 1


def test_a_backend_down_never_fails_the_action(people, monkeypatch):
    ann, ben, _cat = people
    photo = publish(ann)

    def down(note):
        raise MetadataUnavailable("down")

    monkeypatch.setattr(stored, "add", down)
    assert photos.favorite(ben, photo) is True
    assert follows.follow(ben, ann) is True


def test_pages_are_newest_first_and_complete(people):
    ann, ben, _cat = people
    for number in range(5):
        photo = publish(ann, title=f"p{number}")
        photos.favorite(ben, photo)
    seen, cursor = [], None
    while True:
        page = notifications.page(ann, cursor=cursor, limit=2)
        seen += [n.photo_title for n in page.items]
        if not page.next_cursor:
            break
        cursor = page.next_cursor
    assert seen == ["p4", "p3", "p2", "p1", "p0"]


def test_the_erasure_removes_a_users_notifications_and_those_they_caused(people):
    ann, ben, cat = people
    follows.follow(ben, ann)
    follows.follow(ann, cat)
    notifications.forget(ben.pk)
    assert kinds(ann) == [] and notifications.unread_count(ann) == 0
    notifications.forget(cat.pk)
    assert list(stored.items_of(cat.pk)) == []


# --- the digest ------------------------------------------------------------------------------------
NOW = datetime(2026, 12, 9, 6, 0, tzinfo=UTC)  # a Wednesday


def test_the_digest_is_sent_once_per_period_in_the_users_language(people, monkeypatch):
    ann, ben, cat = people
    Profile.objects.create(user=ann, digest=rules.DIGEST_DAILY)
    Profile.objects.create(user=ben, display_name="<b>Ben</b>")
    AccountLanguage.remember(ann, "ko")
    yesterday = datetime(2026, 12, 8, 12, 0, tzinfo=UTC)
    notifications.notify(ann.pk, ben, rules.FOLLOW, now=yesterday)
    notifications.notify(ann.pk, cat, rules.FOLLOW, now=NOW)  # today's: in tomorrow's mail
    assert notifications.send_digests(now=NOW) == 1
    assert notifications.send_digests(now=NOW) == 0  # the job delivered twice
    [message] = mail.outbox
    assert message.to == [ann.email]
    assert "팔로우" in message.body and "<b>Ben</b>" in message.body and "/users/cat/" not in message.body
    html = message.alternatives[0][0]
    assert "&lt;b&gt;Ben&lt;/b&gt;" in html and "<b>Ben</b>" not in html


def test_no_digest_when_off_or_nothing_new_and_a_failed_mail_is_sent_again(people, monkeypatch):
    ann, ben, _cat = people
    Profile.objects.create(user=ben, digest=rules.DIGEST_WEEKLY)
    assert notifications.send_digests(now=NOW) == 0
    notifications.notify(ann.pk, ben, rules.FOLLOW, now=datetime(2026, 12, 2, tzinfo=UTC))  # off
    Profile.objects.create(user=ann, digest=rules.DIGEST_WEEKLY)

    def refused(*args, **kwargs):
        raise OSError("smtp down")

    monkeypatch.setattr("django.core.mail.EmailMultiAlternatives.send", refused)
    with pytest.raises(notifications.DigestsFailed):
        notifications.send_digests(now=NOW)
    monkeypatch.undo()
    assert notifications.send_digests(now=NOW) == 1
    assert len(mail.outbox) == 1


@given(st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2100, 1, 1), timezones=st.just(UTC)))
def test_a_digest_period_is_the_last_whole_day_or_week_before_now(now):
    for frequency, days in ((rules.DIGEST_DAILY, 1), (rules.DIGEST_WEEKLY, 7)):
        name, start, end = rules.digest_period(frequency, now)
        assert end <= now and (now - end).days < days and (end - start).days == days
        assert rules.digest_period(frequency, end)[0] == name  # one name all through the next period
        assert rules.digest_period(frequency, end + timedelta(days=days))[0] != name
    assert rules.digest_period(rules.DIGEST_WEEKLY, now)[1].weekday() == 0


def test_reconcile_finds_and_sets_a_wrong_unread_count(people):
    ann, ben, cat = people
    follows.follow(ben, ann)
    follows.follow(cat, ann)
    notifications.mark_read(ann, [notifications.page(ann).items[0].id])
    stored.set_count(ann.pk, 1, 5)  # as if a crash had left it off
    report = find_orphans(min_age=timedelta(0))
    assert report.wrong_note_counts == [(ann.pk, 5, 1)]
    remove_orphans(report)
    assert notifications.unread_count(ann) == 1
    assert find_orphans(min_age=timedelta(0)).clean


def test_the_worker_sends_the_digests_it_is_sent(people):
    ann, ben, _cat = people
    Profile.objects.create(user=ann, digest=rules.DIGEST_DAILY)
    notifications.notify(ann.pk, ben, rules.FOLLOW, now=datetime(2000, 1, 1, tzinfo=UTC))
    call_command("send_digests", "--enqueue", stdout=io.StringIO())
    assert run_worker() == 1
    assert len(mail.outbox) == 0  # nothing of yesterday's: no mail, the period recorded
    assert Profile.objects.get(user=ann).digest_sent


def test_an_album_comment_notifies_its_owner_and_the_mentioned_while_they_may_see_it(people):
    from gallery.domain.records import PUBLIC, UNLISTED
    from gallery.services import albums

    ann, ben, cat = people
    album = albums.create(ann, title="Trip", visibility=PUBLIC, comments_open=True)
    comments.write(ben, album, "Lovely, @cat")
    assert kinds(ann) == [("comment", "ben")] and kinds(cat) == [("mention", "ben")]
    shown = notifications.page(ann).items[0]
    assert (shown.album_id, shown.photo_id, shown.photo_title) == (album.id, "", "Trip")

    closed = albums.edit(album, comments_open=False)  # its comments hidden: so are their notes
    assert kinds(ann) == kinds(cat) == []
    reopened = albums.edit(closed, comments_open=True)
    assert kinds(cat) == [("mention", "ben")]
    albums.edit(reopened, visibility=UNLISTED)  # cat has no link: no longer cat's to see
    assert kinds(cat) == [] and kinds(ann) == [("comment", "ben")]
    assert notifications.unread(cat) == 0 == notifications.unread_count(cat)


# --- one notification of a repeated action (issue 25's loose ends) -----------------------------------
def test_a_favourite_again_after_an_unfavourite_notifies_once(people):
    ann, ben, _cat = people
    photo = publish(ann)
    assert photos.favorite(ben, photo)
    photos.unfavorite(ben, photo)
    assert photos.favorite(ben, photo)
    assert kinds(ann) == [("favorite", "ben")]
    assert notifications.unread_count(ann) == 1 == notifications.unread(ann)
    notifications.mark_all_read(ann)
    photos.unfavorite(ben, photo)
    photos.favorite(ben, photo)  # read meanwhile: still the one notification, not a new unread one
    assert kinds(ann) == [("favorite", "ben")] and notifications.unread_count(ann) == 0


def test_a_follow_again_after_an_unfollow_notifies_once_and_other_photos_each_once(people):
    ann, ben, cat = people
    follows.follow(ben, ann)
    follows.unfollow(ben, ann)
    follows.follow(ben, ann)
    first, second = publish(ann), publish(ann)
    photos.favorite(ben, first)
    photos.favorite(ben, second)
    photos.favorite(cat, first)
    assert sorted(kinds(ann)) == [
        ("favorite", "ben"),
        ("favorite", "ben"),
        ("favorite", "cat"),
        ("follow", "ben"),
    ]
    assert notifications.unread_count(ann) == 4


def test_a_mention_removed_and_written_again_in_an_edit_notifies_once(people):
    ann, ben, cat = people
    photo = publish(ann)
    comment = comments.write(ben, photo, "hi @cat")
    comment = comments.edit(ben, comment, photo, "hi")
    comments.edit(ben, comment, photo, "hi again @cat")
    assert kinds(cat) == [("mention", "ben")] and notifications.unread_count(cat) == 1


def test_the_erasure_of_the_actor_lets_nothing_of_a_repeat_behind(people):
    ann, ben, _cat = people
    follows.follow(ben, ann)
    notifications.forget(ben.pk)
    assert [item["sk"] for item in stored.items_of(ann.pk)] == ["UNREAD"]


# --- mark all read and the unread count, however many ----------------------------------------------
def many(recipient, actor, number):
    for _ in range(number):
        notifications.notify(recipient.pk, actor, rules.MENTION)


def test_mark_all_read_marks_every_one_a_page_at_a_time(people):
    ann, ben, _cat = people
    many(ann, ben, 7)
    assert notifications.mark_all_read(ann, page_size=3) == 7
    assert notifications.unread_count(ann) == 0 == notifications.unread(ann)
    assert notifications.mark_all_read(ann, page_size=3) == 0


def test_mark_all_read_counts_once_one_marked_meanwhile(people, monkeypatch):
    ann, ben, _cat = people
    many(ann, ben, 5)
    real = stored.mark_page

    def raced(user_id, notes):  # another request marks the page's first one in between
        stored.mark_read(user_id, notes[0].key)
        return real(user_id, notes)

    monkeypatch.setattr(stored, "mark_page", raced)
    assert notifications.mark_all_read(ann, page_size=2) == 2  # 3 pages: each loses its first
    assert notifications.unread_count(ann) == 0 == notifications.unread(ann)


def test_the_unread_count_past_its_limit_is_a_lower_bound_shown_with_a_plus(people):
    ann, ben, _cat = people
    many(ann, ben, 5)
    assert notifications.unread_status(ann, limit=3) == (3, True)
    assert notifications.unread_status(ann, limit=5) == (5, False)
    assert [rules.badge(3, True), rules.badge(5), rules.badge(1000), rules.badge(1000, True)] == [
        "3+",
        "5",
        "999+",
        "999+",
    ]
