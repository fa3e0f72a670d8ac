"""gallery.services.comments and the comment items: who reads them, who writes them, and that a
photo's delete, the purge and reconcile know them (model.COMMENT)."""

import pytest
from django.contrib.auth.models import AnonymousUser
from hypothesis import given
from hypothesis import strategies as st

from gallery.domain import comments as rules
from gallery.domain.access import PhotoHidden
from gallery.domain.comments import CommentingBlocked, CommentNotYours, NoSuchComment
from gallery.services import blocks, comments, photos, suspensions, trash
from gallery.services.reconcile import find_orphans, remove_orphans
from gallery.storage import dynamodb
from gallery.storage.dynamodb import comments as store
from gallery.tests.publishing import publish

pytestmark = pytest.mark.django_db


@pytest.fixture
def photo(aws, user):
    return publish(user, title="Harbour")


def texts(viewer, photo):
    return [c.text for c in comments.page(viewer, photo).items]


def test_a_photo_turning_private_hides_its_comments_and_public_brings_them_back(photo, user, bob):
    comments.write(bob, photo, "nice")
    private = photos.edit(photo, visibility="private")

    with pytest.raises(PhotoHidden):
        comments.page(bob, private)
    assert texts(user, private) == ["nice"]  # the owner still sees them

    public = photos.edit(private, visibility="public")
    assert texts(AnonymousUser(), public) == ["nice"]


def test_a_trashed_photo_cannot_be_commented(photo, user, bob):
    trash.trash(user, photo.id)

    with pytest.raises(dynamodb.PhotoNotFound):
        store.add_comment(
            rules.Comment(
                photo_id=photo.id, key="0" * 20, author_id=bob.pk, author="bob", text="x", created="t"
            )
        )


def test_deleting_a_photo_deletes_its_comments_and_reconcile_stays_clean(photo, user, bob):
    comments.write(bob, photo, "one")
    comments.write(user, photo, "two")
    assert find_orphans().clean

    photos.delete(photo.id)

    assert list(store.comment_items(photo.id)) == []
    report = find_orphans()  # bob's comment notified the owner: that notification is reconcile's
    assert [why for _pk, _sk, why in report.stray_notes] == ["its photo is gone"]
    remove_orphans(report)
    assert find_orphans().clean


def test_comments_a_crash_left_after_a_delete_are_purged_by_reconcile(photo, bob):
    made = comments.write(bob, photo, "left behind")
    photos.delete(photo.id)
    # The crash: the comment is back in a partition without its photo.
    dynamodb.get_connection().table.put_item(Item=store.comment_item(made))

    report = find_orphans()
    assert photo.id in report.stray_cards
    remove_orphans(report)
    assert list(store.comment_items(photo.id)) == []


def test_blocks(photo, user, bob):
    blocks.block(user, bob)

    assert blocks.is_blocked(user, bob) and not blocks.is_blocked(bob, user)
    with pytest.raises(CommentingBlocked):
        comments.write(bob, photo, "hi")
    blocks.unblock(user, bob)
    assert not blocks.is_blocked(user.pk, bob.pk)


def test_editing_marks_edited_and_only_the_author_edits(photo, user, bob):
    made = comments.write(bob, photo, "frist")
    with pytest.raises(CommentNotYours):
        comments.edit(user, made, photo, "first")

    edited = comments.edit(bob, made, photo, "first")

    found, _ = comments.find(AnonymousUser(), made.id)
    assert (found.text, bool(found.edited), edited.created) == ("first", True, made.created)


def test_hidden_comments_and_suspended_authors_are_shown_to_nobody(photo, user, bob):
    hidden = comments.write(bob, photo, "hidden")
    comments.write(user, photo, "shown")
    comments.hide(hidden)

    assert texts(bob, photo) == ["shown"]
    with pytest.raises(NoSuchComment):
        comments.find(bob, hidden.id)

    other = publish(bob, title="Bob's")
    comments.write(user, other, "alice on bob's")
    suspensions.suspend(user)
    assert texts(AnonymousUser(), other) == []


@given(st.text(max_size=40))
def test_a_comment_id_is_parsed_or_refused_never_crashes(text):
    try:
        photo_id, key = rules.split_id(text)
    except NoSuchComment:
        return
    assert photo_id + key == text


@pytest.mark.parametrize(
    "text, names",
    [
        ("hi @bob.", ["bob"]),
        ("mail me at a@bob.com", []),
        ("@alice @alice @b-c_d", ["alice", "b-c_d"]),
        ("@김철수 안녕하세요", ["김철수"]),
    ],
)
def test_mentions_are_parsed(text, names):
    assert rules.mentioned_names(text) == names


def test_a_photos_comments_are_read_once_until_the_next_write_and_every_change_shows(
    photo, user, bob, dynamodb_calls
):
    # The list page cache keeps the page as read; who may see which comment is decided after it.
    made = comments.write(bob, photo, "frist")
    assert texts(AnonymousUser(), photo) == ["frist"]
    dynamodb_calls.clear()
    assert texts(AnonymousUser(), photo) == ["frist"]
    assert "Query" not in dynamodb_calls

    made = comments.edit(bob, made, photo, "first")
    assert texts(AnonymousUser(), photo) == ["first"]
    comments.write(user, photo, "second")
    assert texts(AnonymousUser(), photo) == ["first", "second"]

    blocks.block(user, bob)  # not a write to the table: the reader's filter hides bob's comment
    assert texts(user, photo) == ["second"]
    assert texts(AnonymousUser(), photo) == ["first", "second"]

    comments.hide(made)
    assert texts(AnonymousUser(), photo) == ["second"]
