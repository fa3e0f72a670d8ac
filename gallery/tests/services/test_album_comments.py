"""Comments on albums (their share pages'): gallery.services.comments with an album target and
the items of model.ALBUM_COMMENT. Who reads and writes them is who sees the album while its
owner keeps comments open; a delete of the album, reconcile and the erasure know them."""

import pytest
from django.contrib.auth.models import AnonymousUser
from hypothesis import given
from hypothesis import strategies as st

from gallery.domain import comments as rules
from gallery.domain.access import AlbumHidden
from gallery.domain.comments import (
    AlbumCommentingBlocked,
    CommentNotYours,
    CommentsClosed,
    NoSuchComment,
)
from gallery.domain.records import PUBLIC, UNLISTED
from gallery.services import albums, blocks, comments, suspensions
from gallery.services.reconcile import find_orphans, remove_orphans
from gallery.storage import dynamodb
from gallery.storage.dynamodb import comments as store
from gallery.storage.dynamodb import erase as stored_erase
from gallery.storage.dynamodb import model

pytestmark = pytest.mark.django_db


@pytest.fixture
def album(aws, user):
    return albums.create(user, title="Trip", visibility=UNLISTED, comments_open=True)


def texts(viewer, album, token=None):
    return [c.text for c in comments.page(viewer, album, token=token).items]


def test_a_share_link_holder_comments_and_the_switch_hides_and_brings_back(album, user, bob):
    token = album.share_token
    made = comments.write(bob, album, "what a trip", token=token)
    assert made.album_id == album.id and made.id.startswith(rules.ALBUM_MARK)
    assert texts(user, album) == texts(bob, album, token) == ["what a trip"]

    closed = albums.edit(album, comments_open=False)
    with pytest.raises(CommentsClosed):
        comments.page(user, closed)
    with pytest.raises(CommentsClosed):
        comments.write(user, closed, "hello?")
    assert not comments.shown(bob, closed, token)

    reopened = albums.edit(closed, comments_open=True)
    assert texts(bob, reopened, token) == ["what a trip"]


def test_without_the_link_or_after_a_new_one_nobody_else_reads_them(album, user, bob):
    comments.write(bob, album, "hi", token=album.share_token)
    with pytest.raises(AlbumHidden):
        comments.page(bob, album)
    renewed = albums.new_share_link(album)
    with pytest.raises(AlbumHidden):
        comments.page(bob, renewed, token=album.share_token)
    with pytest.raises(NoSuchComment):
        comments.find_any(bob, comments.page(user, renewed).items[0].id, token=album.share_token)
    public = albums.edit(renewed, visibility=PUBLIC)
    assert texts(AnonymousUser(), public) == ["hi"]


def test_the_store_refuses_a_comment_on_a_closed_album(album, bob):
    closed = albums.edit(album, comments_open=False)
    with pytest.raises(CommentsClosed):
        store.add_comment(
            rules.Comment(
                photo_id="",
                album_id=closed.id,
                key="0" * 20,
                author_id=bob.pk,
                author="bob",
                text="x",
                created="t",
            )
        )


def test_edit_delete_blocks_and_suspensions(album, user, bob):
    token = album.share_token
    made = comments.write(bob, album, "frist", token=token)
    with pytest.raises(CommentNotYours):
        comments.edit(user, made, album, "first")
    comments.edit(bob, made, album, "first")
    found, target = comments.find_any(bob, made.id, token=token)
    assert (found.text, bool(found.edited), target.id) == ("first", True, album.id)

    mine = comments.write(user, album, "mine")
    with pytest.raises(CommentNotYours):
        comments.delete(bob, mine, album)
    comments.delete(user, found, album)  # the album's owner deletes any
    assert texts(user, album) == ["mine"]

    blocks.block(user, bob)
    with pytest.raises(AlbumCommentingBlocked):
        comments.write(bob, album, "hi", token=token)
    blocks.unblock(user, bob)
    comments.write(bob, album, "back", token=token)
    suspensions.suspend(bob)
    assert texts(user, album) == ["mine"]


def test_an_album_delete_takes_its_comments_and_reconcile_removes_crash_leftovers(album, user, bob):
    made = comments.write(bob, album, "one", token=album.share_token)
    comments.write(user, album, "two")
    assert find_orphans().clean

    albums.delete(albums.visible(user, album.id))
    assert store.comments_page("", album_id=album.id).items == []
    report = find_orphans()  # bob's comment notified its owner: that notification is reconcile's
    assert [why for _pk, _sk, why in report.stray_notes] == ["its album is gone"]
    remove_orphans(report)
    assert find_orphans().clean

    dynamodb.get_connection().table.put_item(Item=store.comment_item(made))  # a crash's leftover
    report = find_orphans()
    assert report.stray_album_comments == [(album.id, made.key)]
    remove_orphans(report)
    assert find_orphans().clean


def test_the_author_erasure_finds_their_album_comments(album, bob):
    comments.write(bob, album, "bye", token=album.share_token)
    found = stored_erase.user_items(bob.pk)
    assert [item["text"] for _parts, item in found.of(model.ALBUM_COMMENT)] == ["bye"]


@given(st.text(max_size=60))
def test_any_comment_id_is_parsed_or_refused_never_crashes(text):
    try:
        photo_id, album_id, key = rules.split_any(text)
    except NoSuchComment:
        return
    assert (rules.ALBUM_MARK + album_id if album_id else photo_id) + key == text


def test_a_link_holder_reports_an_album_comment_and_staff_act_on_it(album, user, bob):
    from gallery.admin import _delete, _hide
    from gallery.services import reports

    token = album.share_token
    made = comments.write(user, album, "buy my stuff", token=token)
    with pytest.raises(NoSuchComment):  # without the link: not bob's to read, nor to report
        reports.report(bob, comment_id=made.id, reason="spam")

    filed = reports.report(bob, comment_id=made.id, reason="spam", token=token)

    assert (filed.comment_id, filed.author_id, filed.photo_id) == (made.id, user.pk, "")
    _hide(filed)
    assert texts(user, album) == []
    _delete(filed)
    with pytest.raises(NoSuchComment):
        comments.by_id(made.id)
