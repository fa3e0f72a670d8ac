"""The table's data model, declared once: every kind of item, its key shape, whose it is, which
use case writes it and what must hold of it.

Each ItemKind's key patterns both build keys (`kind.key(photo_id=...)`) and recognise items
(`kind_of(item)`), so a key format has this one owner: schema.py's builders, the scans of
`manage.py reconcile` and `reindex`, purge and the consistency checks all read it from here.
An item that no kind recognises is *unknown*: reconcile reports it and never deletes it (a repair
tool does not remove what it cannot classify; a kind added by a newer release is not garbage).

`KINDS` is also the table of item kinds in docs/architecture.md (test_model.py keeps them equal).
"""

import re
from dataclasses import dataclass, field

_PLACEHOLDER = re.compile(r"\{(\w+)\}")


@dataclass(frozen=True)
class ItemKind:
    name: str
    pk: str  # "PHOTO#{photo_id}": literal text and {placeholders}
    sk: str
    owner: str  # what the item belongs to: deleted with it, judged against it
    written_by: str  # the use cases that write it
    holds: str  # the invariant reconcile and the test machine check
    list_pk: str = ""  # in the lists index (a card of some kind) when set
    list_sk: str = ""
    _patterns: dict = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self):
        for name in ("pk", "sk"):
            self._patterns[name] = _compile(getattr(self, name))

    def key(self, **parts):
        """{"pk", "sk"} of the item of this kind named by `parts`."""
        return {"pk": self.pk.format(**parts), "sk": self.sk.format(**parts)}

    def pk_of(self, **parts):
        return self.pk.format(**parts)

    def sk_prefix(self):
        """The literal start of this kind's sort keys (for begins_with and range queries)."""
        return self.sk.split("{", 1)[0]

    def parts(self, item):
        """The placeholders' values in `item`'s key, or None when the item is not of this kind."""
        found = {}
        for name in ("pk", "sk"):
            match = self._patterns[name].fullmatch(item.get(name, ""))
            if match is None:
                return None
            found.update(match.groupdict())
        return found

    def matches(self, item):
        return self.parts(item) is not None


def _compile(pattern):
    """A pattern's regular expression: each placeholder is one or more characters; the last one
    of a key takes the rest (a list name holds "#": TAG#sea, WORD#sun)."""
    pieces, last = [], 0
    names = list(_PLACEHOLDER.finditer(pattern))
    for index, match in enumerate(names):
        pieces.append(re.escape(pattern[last : match.start()]))
        rest = ".+" if index == len(names) - 1 else "[^#]+"
        pieces.append(f"(?P<{match.group(1)}>{rest})")
        last = match.end()
    pieces.append(re.escape(pattern[last:]))
    return re.compile("".join(pieces))


PHOTO = ItemKind(
    "photo",
    pk="PHOTO#{photo_id}",
    sk="PHOTO",
    owner="the photo",
    written_by="publish, complete_upload, the worker (ready/failed), edit, album changes (revision), trash, "
    "restore, delete (for good: delete forever, empty trash, the purge)",
    holds="the truth of the photo; every object key it names exists in S3 (but a processing photo's upload); "
    "in the trash iff trashed_at is set (then purge_after too)",
)
CARD = ItemKind(
    "list card",
    pk="PHOTO#{photo_id}",
    sk="LIST#{card}",
    list_pk="{list}",
    list_sk="{sort_key}",
    owner="the photo",
    written_by="put_photo, update_photo (edit, the worker), trash, restore, delete_photo, reindex",
    holds="exists iff its photo is ready and in that list (lists.list_entries: FEED, USER#, OWNER#, "
    "TAKEN#, PLACES#, TAG#, WORD#, ALL; a trashed photo's only: TRASH#, TRASH_DUE) and carries the "
    "photo's current card fields (a PLACES# card its position too)",
)
FAVORITE = ItemKind(
    "favourite",
    pk="PHOTO#{photo_id}",
    sk="FAN#{user_id}",
    list_pk="FAVS#{user_id}",
    list_sk="{favorited_at}#{photo_id}",
    owner="the photo and the fan",
    written_by="favourite, unfavourite; refreshed or removed after an edit, unlisted after a trash and "
    "listed after a restore, removed after a delete",
    holds="its photo exists, the fan may see it, and its copy of the card is the photo's current one; "
    "it has no list_pk (out of the fan's list, keeping list_sk) iff its photo is in the trash",
)
FAVORITE_COUNT = ItemKind(
    "favourite count",
    pk="PHOTO#{photo_id}",
    sk="FANS",
    owner="the photo",
    written_by="favourite, unfavourite (ADD after the FAN# write); delete removes it",
    holds="favorite_count equals the number of the photo's FAN# items",
)
MEMBERSHIP = ItemKind(
    "album membership",
    pk="PHOTO#{photo_id}",
    sk="INALBUM#{album_id}",
    owner="the photo and the album",
    written_by="album add, remove, move, cover, delete; photo trash (cover mark off), restore, delete",
    holds="names an existing album of the photo's owner, with exactly one entry at its position; "
    "its photo is ready; while its photo is in the trash: no entry, and its album may be gone",
)
TAG_COUNT = ItemKind(
    "tag count",
    pk="TAGS",
    sk="TAG#{tag}",
    owner="the tag",
    written_by="put_photo, update_photo, trash, restore, delete_photo (ADD after the transaction)",
    holds="photo_count equals the number of ready public photos with the tag, not in the trash",
)
OWNER_COUNT = ItemKind(
    "owner count",
    pk="OWNERS",
    sk="OWNER#{user_id}",
    owner="the user",
    written_by="put_photo, update_photo (the worker's ready), delete_photo (ADD after the transaction)",
    holds="photo_count equals the number of the user's ready photos, those in the trash included",
)
ALBUM = ItemKind(
    "album",
    pk="ALBUM#{album_id}",
    sk="ALBUM",
    list_pk="ALBUMS#{user_id}",
    list_sk="{created}#{album_id}",
    owner="the album (its owner's)",
    written_by="album create, edit, new share link, cover, delete; a photo delete clears its cover",
    holds="its share token is set iff it is unlisted; its cover is one of its photos or none",
)
ENTRY = ItemKind(
    "album entry",
    pk="ALBUM#{album_id}",
    sk="ENTRY#{position}#{photo_id}",
    owner="the album and the photo",
    written_by="album add, remove, move, delete; photo edit (refreshed), photo trash (removed), "
    "restore (back at the membership's position), photo delete",
    holds="exactly one per membership of a photo not in the trash, at its position (positions unique "
    "in the album); carries the photo's current card fields",
)
ALBUM_CARD = ItemKind(
    "album card",
    pk="ALBUM#{album_id}",
    sk="LIST#ALBUMS",
    list_pk="ALBUMS",
    list_sk="{created}#{album_id}",
    owner="the album",
    written_by="with the album item, in the same transactions",
    holds="exists iff the album does; the album's fields without its share token",
)
COMMENT = ItemKind(
    "comment",
    pk="PHOTO#{photo_id}",
    sk="CMT#{comment_key}",
    list_pk="COMMENTS#{author_id}",
    list_sk="{comment_key}#{photo_id}",
    owner="the photo (its author's to edit, the photo owner's to delete)",
    written_by="comment, edit comment, delete comment (author or photo owner), moderation (hide); "
    "removed after a photo delete or purge; listed in its author's COMMENTS# by reconcile if older",
    holds="its photo exists; shown only to whoever may see the photo (not in the trash, public or "
    "the viewer's own) and not to a viewer who blocked its author; text within the length limit; "
    "in its author's COMMENTS# list (the export reads it there, one Query a page)",
)
ALBUM_COMMENT = ItemKind(
    "album comment",
    pk="ALBUM#{album_id}",
    # "TALK#" sorts after the album's item, entries and card: an album page's Query never reads it.
    sk="TALK#{comment_key}",
    list_pk="COMMENTS#{author_id}",
    list_sk="{comment_key}#{album_id}",
    owner="the album (its author's to edit, the album owner's to delete)",
    written_by="comment on an album (share page), edit comment, delete comment (author or album owner), "
    "moderation (hide); removed with its album; listed in its author's COMMENTS# like a photo's",
    holds="its album exists; shown only while the album's comments are open and to whoever may see the "
    "album (its owner, the share link's holders while unlisted, everyone while public), not to a viewer "
    "who blocked its author; text within the length limit; in its author's COMMENTS# list",
)

ARCHIVE_JOB = ItemKind(
    "archive job",
    pk="JOB#{job_id}",
    sk="JOB",
    list_pk="JOBS#{user_id}",
    list_sk="{created}#{job_id}",
    owner="the user who asked",
    written_by="a large download or a data export (pending), the worker (ready/failed), expiry (reconcile)",
    holds="a ready job's archive_key names an object of archives/ until it expires; an expired job is "
    "removed with its archive",
)

FOLLOW = ItemKind(
    "follow",
    pk="FOLLOWERS#{followee_id}",
    sk="FOLLOWER#{follower_id}",
    list_pk="FOLLOWING#{follower_id}",
    list_sk="{followed_at}#{followee_id}",
    owner="the follower and the person followed",
    written_by="follow, unfollow (gallery.services.follows)",
    holds="at most one per pair (the key), never of oneself; the followed person's public photos are "
    "in the follower's feed once the worker ran (FEED#), unless they have over FANOUT_LIMIT followers",
)
FOLLOW_COUNT = ItemKind(
    "follow counts",
    pk="PERSON#{user_id}",
    sk="COUNTS",
    owner="the user",
    written_by="follow, unfollow (ADD after the FOLLOWER# write or delete); the fan-out (feed_size: ADD "
    "per entry written, SET by a trim); reconcile (recount)",
    holds="followers and following equal the numbers of the user's FOLLOWER# items either way; "
    "wide (set once, never unset) after the worker saw over FANOUT_LIMIT followers; feed_size at "
    "least the entries of the user's feed",
)
FEED_WIDE = ItemKind(
    "feed wide mark",
    pk="FEED#{follower_id}",
    sk="WIDE#{followee_id}",
    owner="the follower",
    written_by="follow of a person over FANOUT_LIMIT followers; feed_sync when a person goes over it "
    "(one for each follower); unfollow removes it",
    holds="the follower follows that person, whose counts item is marked wide: the feed's page merges "
    "their public list (sorts after every FEED# entry: read first)",
)
FEED_ENTRY = ItemKind(
    "feed entry",
    pk="FEED#{follower_id}",
    sk="{created}#{photo_id}",
    owner="the follower (and the photo)",
    written_by="the worker's feed_sync after a photo enters, changes in or leaves its owner's public list, "
    "feed_follow after a follow (the newest BACKFILL), feed_unfollow after an unfollow; the oldest "
    "deleted by the fan-out's trim; stale ones removed by reconcile",
    holds="its sk is its own created#id; its photo is in its owner's public list (ready, public, not "
    "trashed), the follower follows its owner, and it carries the photo's current card; at most "
    "PHOTOSHARE_FEED_MAX_ENTRIES a feed",
)
NOTE = ItemKind(
    "notification",
    pk="NOTES#{user_id}",
    sk="NOTE#{note_key}",
    list_pk="UNREAD#{user_id}",
    list_sk="{note_key}",
    owner="the recipient (and the actor who caused it)",
    written_by="favourite, comment, mention (a photo's or an album's), follow "
    "(gallery.services.notifications, after the action); mark read; the erasure of the recipient or "
    "the actor; reconcile --fix removes those whose photo or album is gone",
    holds="at most one per favourite or follow (its mark, NOTE_ONCE); never of oneself nor from "
    "someone the recipient blocked when written; in the UNREAD# list iff "
    "unread; shown only while its photo (an album comment's: its album, open to comments) is the "
    "recipient's to see and its actor is not suspended nor blocked (decided when read)",
)
NOTE_ONCE = ItemKind(
    "notification mark",
    pk="NOTES#{user_id}",
    sk="ONCE#{repeat}",
    owner="the notification it names (note_key)",
    written_by="in the same transaction as a favourite's or a follow's notification; deleted with it",
    holds="exists iff the notification it names does: a favourite or follow repeated finds it and "
    "notifies no one again (gallery.domain.notifications.repeat_of)",
)
NOTE_COUNT = ItemKind(
    "unread count",
    pk="NOTES#{user_id}",
    sk="UNREAD",
    owner="the recipient",
    written_by="in the same transaction as each notification's write and each mark read",
    holds="unread equals the number of the user's unread NOTE# items",
)

# Order matters only for reading: the first kind whose patterns match an item is its kind.
KINDS = (
    PHOTO,
    CARD,
    FAVORITE,
    FAVORITE_COUNT,
    MEMBERSHIP,
    TAG_COUNT,
    OWNER_COUNT,
    ALBUM,
    ENTRY,
    ALBUM_CARD,
    COMMENT,
    ALBUM_COMMENT,
    ARCHIVE_JOB,
    FOLLOW,
    FOLLOW_COUNT,
    FEED_WIDE,  # before FEED_ENTRY, whose {created}#{photo_id} would match WIDE#<id> too
    FEED_ENTRY,
    NOTE,
    NOTE_ONCE,
    NOTE_COUNT,
)


def kind_of(item):
    """(ItemKind, its key's parts) of a table item, or (None, {}) for an item of no declared kind."""
    for kind in KINDS:
        parts = kind.parts(item)
        if parts is not None:
            return kind, parts
    return None, {}


def placeholders(pattern):
    """The names of a key pattern's placeholders, in order ("FAN#{user_id}" -> ["user_id"])."""
    return _PLACEHOLDER.findall(pattern)


def kinds_table():
    """The item kinds as a Markdown table (docs/architecture.md)."""
    rows = [
        "| item | `pk` | `sk` | `list_pk` | `list_sk` | owner | written by | what must hold |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for kind in KINDS:
        cells = [
            kind.name,
            *(f"`{key}`" if key else "\u2013" for key in (kind.pk, kind.sk, kind.list_pk, kind.list_sk)),
        ]
        rows.append("| " + " | ".join([*cells, kind.owner, kind.written_by, kind.holds]) + " |")
    return "\n".join(rows)
