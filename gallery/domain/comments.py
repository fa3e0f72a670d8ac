"""Comments: their record, their ids, the rules of their text and of @mentions. Pure.

A comment lives in its photo's partition (gallery.storage.dynamodb.model.COMMENT), or, on an
album's share page, in the album's (model.ALBUM_COMMENT: the album's, not its photos', so a
photo's own visibility neither leaks nor hides it through a share link). Its public id is the
photo's id followed by its own key ("a", the album's id and the key for an album's), so
`PATCH /api/comments/<id>/` finds either with one GetItem; the key starts with the time it was
written (hex milliseconds), so the partition's comments sort oldest first.
"""

import re
import secrets
from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _

from gallery.domain.errors import Forbidden, Invalid, NotFound
from gallery.domain.ids import PATTERN as PHOTO_ID_PATTERN
from gallery.domain.limits import LIMITS

KEY_PATTERN = "[0-9a-f]{20}"
ID_PATTERN = PHOTO_ID_PATTERN + KEY_PATTERN
_ID = re.compile(f"(?P<photo_id>{PHOTO_ID_PATTERN})(?P<key>{KEY_PATTERN})")
# An album comment's id: ids are hex, so the "a" (and the length) tells it from a photo comment's.
ALBUM_MARK = "a"
_ALBUM_ID = re.compile(f"{ALBUM_MARK}(?P<album_id>{PHOTO_ID_PATTERN})(?P<key>{KEY_PATTERN})")
# @name: Django's username characters (letters, digits, @.+-_), not glued to a word before it
# (an e-mail address is no mention). A trailing "." ends the sentence, not the name.
MENTION = re.compile(r"(?<![\w@.+-])@(?P<name>[\w.+-]*[\w+-])")


@dataclass(frozen=True)
class Comment:
    photo_id: str
    key: str
    author_id: int
    author: str  # the author's username when written (shown; usernames do not change)
    text: str
    created: str
    edited: str = ""  # when last edited, "" if never
    mentions: tuple = field(default_factory=tuple)  # usernames linked in the text
    hidden: bool = False  # hidden by staff (a report's action): shown to nobody
    album_id: str = ""  # set (and photo_id "") for a comment on an album's page

    @property
    def id(self):
        if self.album_id:
            return ALBUM_MARK + self.album_id + self.key
        return self.photo_id + self.key


def new_key(now):
    """A new comment's key: when (hex milliseconds, 12 digits) then 8 random hex digits."""
    return f"{int(now.timestamp() * 1000):012x}{secrets.token_hex(4)}"


def split_id(comment_id):
    """(photo id, key) of a comment id; NoSuchComment if it is not one."""
    match = _ID.fullmatch(comment_id or "")
    if match is None:
        raise NoSuchComment(comment_id)
    return match["photo_id"], match["key"]


def split_any(comment_id):
    """(photo id, album id, key) of a photo's or an album's comment id (the other id "");
    NoSuchComment if it is neither."""
    match = _ALBUM_ID.fullmatch(comment_id or "")
    if match is not None:
        return "", match["album_id"], match["key"]
    photo_id, key = split_id(comment_id)
    return photo_id, "", key


def clean_text(text):
    """The text as stored: stripped; refused empty or over LIMITS.comment_length."""
    text = (text or "").strip()
    if not text:
        raise CommentInvalid(message=_("Write something first."))
    if len(text) > LIMITS.comment_length:
        raise CommentInvalid(
            message=_("A comment has at most %(limit)d characters.") % {"limit": LIMITS.comment_length}
        )
    return text


def mentioned_names(text):
    """The @names in the text, each once, in order (whether they are users is the caller's)."""
    return list(dict.fromkeys(match["name"] for match in MENTION.finditer(text)))


def visible_comment(comment, viewer_id, blocked_ids):
    """Whether a viewer who may see the photo sees this comment: not hidden by staff, and not by
    someone they blocked (their own are always theirs to see, but a hidden one)."""
    return not comment.hidden and comment.author_id not in blocked_ids


def can_delete(user_id, comment, target_owner_id):
    """Its author deletes a comment, and so does the owner of the photo (or album) it is on."""
    return user_id is not None and user_id in (comment.author_id, target_owner_id)


class NoSuchComment(NotFound):
    code = "no_such_comment"
    message = _("No such comment.")


class CommentInvalid(Invalid):
    code = "invalid_comment"
    field = "text"


class CommentNotYours(Forbidden):
    code = "not_your_comment"
    message = _("Only its author can change this comment.")


DELETE_NOT_ALLOWED = _("Only its author or the photo's owner can delete this comment.")
ALBUM_DELETE_NOT_ALLOWED = _("Only its author or the album's owner can delete this comment.")


class CommentingBlocked(Forbidden):
    """The photo's owner blocked the writer: refused like any other refusal, no details."""

    code = "blocked"
    message = _("You cannot comment on this photo.")


class AlbumCommentingBlocked(CommentingBlocked):
    message = _("You cannot comment on this album.")


class CommentsClosed(Forbidden):
    """The album's owner has not opened (or has closed) its comments."""

    code = "comments_closed"
    message = _("Comments are off for this album.")
