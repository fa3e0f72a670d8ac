"""The API's JSON for people (gallery/api/schemas.py's rules): comments, blocks, reports, profiles
and notifications."""

from typing import Literal

from ninja import Schema
from pydantic import Field

from gallery.api.schemas import Album, Body
from gallery.domain import notifications as notification_rules


class CommentText(Schema):
    """A comment's text (plain text: links and @mentions are made by the pages)."""

    text: str


class CommentOut(Schema):
    id: str
    text: str = Field(description="As written: plain text, never HTML.")
    author: str
    created: str
    edited: str | None = Field(description="When last edited; null if never.")
    mentions: list[str] = Field(description="The usernames the text mentions that are linked.")


class CommentList(Schema):
    results: list[CommentOut]
    next: str | None


class Blocked(Schema):
    blocked: bool


class ReportIn(Schema):
    """Exactly one of photo_id and comment_id, and why."""

    photo_id: str | None = None
    comment_id: str | None = None
    reason: str


class ReportOut(Schema):
    id: int


class ProfileChange(Schema):
    display_name: str | None = None
    bio: str | None = None


class AvatarUpload(Schema):
    """A profile picture (multipart/form-data): any photo format the site takes, within its limits."""

    avatar: bytes = Field(json_schema_extra={"format": "binary"})


class Profile(Schema):
    """A person: what they say of themselves (plain text), their counts and public albums."""

    username: str
    display_name: str
    bio: str
    avatar_url: str | None = Field(
        description="Their profile picture, 256 px square JPEG without metadata; null: none (show a default)."
    )
    followers: int
    following: int
    albums: list[Album]


class NotificationOut(Schema):
    id: str
    kind: Literal["favorite", "comment", "mention", "follow"]
    actor: str = Field(description="The username of whoever did it.")
    actor_name: str = Field(description="Their display name, or their username (plain text).")
    photo_id: str | None = Field(
        description="The photo it is about; null for a follow or an album's comment."
    )
    album_id: str | None = Field(description="The album whose comment (or mention) it is about, else null.")
    created: str
    read: bool


class NotificationList(Schema):
    unread: int = Field(description="How many of the caller's notifications they may see are unread.")
    unread_more: bool = Field(
        description=f"True when there are more unread than were judged (the newest "
        f'{notification_rules.COUNT_LIMIT}): `unread` is then a lower bound (shown as e.g. "1000+").'
    )
    results: list[NotificationOut]
    next: str | None


class NotificationsRead(Body):
    """Either the ids to mark read (at most 100), or `"all": true`."""

    ids: list[str] | None = Field(None, max_length=100)
    all: bool | None = None


class NotificationsMarked(Schema):
    marked: int = Field(description="How many were unread and are read now.")
    unread: int
