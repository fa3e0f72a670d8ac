"""Jobs on the whole table, never run by a page: the repair scans of `manage.py reconcile`,
creating the table for `manage.py init_aws`, and the health check."""

from dataclasses import dataclass, field

from boto3.dynamodb.conditions import Key

from gallery.storage.dynamodb import follows, model, schema
from gallery.storage.dynamodb.connection import get_connection, translate_errors
from gallery.storage.dynamodb.errors import MetadataUnavailable
from gallery.storage.dynamodb.jobs import job_from_item


@dataclass
class TableScan:
    """The whole table, by kind of item (gallery.storage.dynamodb.model)."""

    photos: dict = field(default_factory=dict)  # photo id: Photo
    cards: dict = field(default_factory=dict)  # photo id: {sk: card item}
    counters: dict = field(default_factory=dict)  # sk (TAG#<tag> or OWNER#<id>): count item
    favorites: dict = field(default_factory=dict)  # photo id: {user id: favourite item}
    favorite_counts: dict = field(default_factory=dict)  # photo id: stored favorite_count
    memberships: dict = field(default_factory=dict)  # photo id: {album id: membership item}
    albums: dict = field(default_factory=dict)  # album id: Album
    album_cards: dict = field(default_factory=dict)  # album id: its admin card item
    entries: dict = field(default_factory=dict)  # album id: [entry item]
    comments: dict = field(default_factory=dict)  # photo id: {comment key: comment item}
    album_comments: dict = field(default_factory=dict)  # album id: {comment key: comment item}
    jobs: list = field(default_factory=list)  # ArchiveJob records (large downloads, data exports)
    follows: set = field(default_factory=set)  # (follower id, followee id)
    follow_counts: dict = field(default_factory=dict)  # user id: counts item
    feed_entries: dict = field(default_factory=dict)  # follower id: {sk: feed entry item}
    wide_marks: set = field(default_factory=set)  # (follower id, followee id)
    unread_notes: dict = field(default_factory=dict)  # user id: number of unread NOTE# items
    note_counts: dict = field(default_factory=dict)  # user id: stored unread count
    notes: list = field(default_factory=list)  # notification items (NOTE#)
    note_marks: list = field(default_factory=list)  # their marks (ONCE#)
    unknown: list = field(default_factory=list)  # keys of items of no declared kind: reported only

    @property
    def stray_album_comments(self):
        """(album id, comment key) of comments whose album is gone (a crash after its delete)."""
        return sorted(
            (album_id, key)
            for album_id, found in self.album_comments.items()
            if album_id not in self.albums
            for key in found
        )

    @property
    def stray_ids(self):
        """Ids whose partition holds cards, favourites, a count, memberships or comments but no
        photo item (a crash after the photo's delete: purge_photo removes them)."""
        held = set(self.cards) | set(self.favorites) | set(self.favorite_counts) | set(self.memberships)
        held |= set(self.comments)
        return held - set(self.photos)

    def add(self, item):
        """File one item under its kind; one of no declared kind under `unknown`."""
        kind, parts = model.kind_of(item)
        if kind is model.FEED_ENTRY and not follows.is_entry(item):
            kind = None
        if kind is None:
            self.unknown.append(schema.key_of(item))
        elif kind is model.PHOTO:
            self.photos[parts["photo_id"]] = schema.photo_from_item(item)
        elif kind is model.CARD:
            self.cards.setdefault(parts["photo_id"], {})[item["sk"]] = item
        elif kind is model.FAVORITE:
            self.favorites.setdefault(parts["photo_id"], {})[schema.fan_id_of(item)] = item
        elif kind is model.FAVORITE_COUNT:
            self.favorite_counts[parts["photo_id"]] = int(item.get("favorite_count", 0))
        elif kind is model.MEMBERSHIP:
            self.memberships.setdefault(parts["photo_id"], {})[parts["album_id"]] = item
        elif kind in (model.TAG_COUNT, model.OWNER_COUNT):
            self.counters[item["sk"]] = item
        elif kind is model.ALBUM:
            self.albums[parts["album_id"]] = schema.album_from_item(item)
        elif kind is model.ALBUM_CARD:
            self.album_cards[parts["album_id"]] = item
        elif kind is model.ENTRY:
            self.entries.setdefault(parts["album_id"], []).append(item)
        elif kind is model.COMMENT:
            self.comments.setdefault(parts["photo_id"], {})[parts["comment_key"]] = item
        elif kind is model.ALBUM_COMMENT:
            self.album_comments.setdefault(parts["album_id"], {})[parts["comment_key"]] = item
        elif kind is model.ARCHIVE_JOB:
            self.jobs.append(job_from_item(item))
        elif kind is model.FOLLOW:
            self.follows.add((int(parts["follower_id"]), int(parts["followee_id"])))
        elif kind is model.FOLLOW_COUNT:
            self.follow_counts[int(parts["user_id"])] = item
        elif kind is model.FEED_WIDE:
            self.wide_marks.add((int(parts["follower_id"]), int(parts["followee_id"])))
        elif kind is model.FEED_ENTRY:
            self.feed_entries.setdefault(int(parts["follower_id"]), {})[item["sk"]] = item
        elif kind is model.NOTE:
            unread = 0 if item.get("read") else 1
            self.unread_notes[parts["user_id"]] = self.unread_notes.get(parts["user_id"], 0) + unread
            self.notes.append(item)
        elif kind is model.NOTE_ONCE:
            self.note_marks.append(item)
        elif kind is model.NOTE_COUNT:
            self.note_counts[parts["user_id"]] = int(item.get("unread", 0))


def scan_table():
    """Every item of the table, sorted by kind: a full Scan, page by page."""
    connection = get_connection()
    scan = TableScan()
    with translate_errors():
        for page in connection.client.get_paginator("scan").paginate(TableName=connection.table_name):
            for item in page["Items"]:
                scan.add(item)
    return scan


def scan_photos():
    """Every photo in the table, by id, and the ids whose partition holds cards but no
    photo item."""
    scan = scan_table()
    return scan.photos, scan.stray_ids


def purge_photo(photo_id):
    """Delete every item of a declared kind in the photo's partition, whether or not its photo
    item exists (an item of no declared kind is left, and reported by reconcile)."""
    connection = get_connection()
    with translate_errors():
        items = connection.query_all(KeyConditionExpression=Key("pk").eq(schema.photo_pk(photo_id)))
        keys = [schema.key_of(item) for item in items if model.kind_of(item)[0] is not None]
        # One DeleteItem each (a repair job, rarely more than a few cards): the role needs no
        # BatchWriteItem for it. The photo item goes last: a crash never leaves cards without it.
        for key in sorted(keys, key=lambda key: key["sk"] == schema.PHOTO_SK):
            connection.table.delete_item(Key=key)


def ensure_table():
    """Create the table if it does not exist and wait until it is active. Returns True if
    it was created by this call. Boto errors are not translated: init_aws shows them as they are."""
    connection = get_connection()
    client = connection.client
    try:
        client.describe_table(TableName=connection.table_name)
        created = False
    except client.exceptions.ResourceNotFoundException:
        try:
            client.create_table(TableName=connection.table_name, **schema.table_schema())
            created = True
        except client.exceptions.ResourceInUseException:
            created = False  # another process created it meanwhile
    client.get_waiter("table_exists").wait(
        TableName=connection.table_name, WaiterConfig={"Delay": 1, "MaxAttempts": 60}
    )
    return created


def ping():
    """Raise MetadataUnavailable unless the table answers."""
    connection = get_connection()
    with translate_errors():
        status = connection.client.describe_table(TableName=connection.table_name)["Table"]["TableStatus"]
    if status != "ACTIVE":
        raise MetadataUnavailable(f"table {connection.table_name} is {status}")
