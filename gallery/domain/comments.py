"""Comments: their record, their ids, the rules of their text and of @mentions. Pure.

A comment lives in its photo's partition (gallery.storage.dynamodb.model.COMMENT). Its public id
is the photo's id followed by its own key, so `PATCH /api/comments/<id>/` finds it with one
GetItem; the key starts with the time it was written (hex milliseconds), so the partition's
comments sort oldest first.
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

    @property
    def id(self):
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


def can_delete(user_id, comment, photo_owner_id):
    """Its author deletes a comment, and so does the owner of the photo it is on."""
    return user_id is not None and user_id in (comment.author_id, photo_owner_id)


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


class CommentingBlocked(Forbidden):
    """The photo's owner blocked the writer: refused like any other refusal, no details."""

    code = "blocked"
    message = _("You cannot comment on this photo.")
