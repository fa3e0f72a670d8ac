"""Comments: items in their photo's partition (model.COMMENT: pk PHOTO#<id>, sk CMT#<key>).

"CMT#" sorts before "FAN#", so a photo's edit or delete, which reads its partition from after
FANS on, never reads its comments, however many; a page of comments is one Query of the
partition, oldest first (the keys start with the time written). A comment is written in one
transaction with a check of its photo (there, not in the trash, the writer's to see), so none
outlives a delete that committed first; after a delete the photo's comments are removed
(`follow_delete`), and a crash in between leaves them to `manage.py reconcile` (stray items of a
partition without its photo: purge_photo). Who may *read* them is not stored: the photo's
visibility decides at read time (gallery.services.comments), so a photo turning private or
going to the trash hides its comments at once and a restore brings them back.

An album's comments (model.ALBUM_COMMENT, its share page's) are the same items in the album's
partition, after its entries and card ("TALK#"), written with a check that the album is there
with its comments open; its delete removes them (`follow_album_delete`). Who reads them is the
album's visibility, share link and switch at read time.
"""

from boto3.dynamodb.conditions import Key

from gallery.domain.comments import Comment, CommentsClosed, NoSuchComment
from gallery.domain.records import Page
from gallery.storage.dynamodb import listcache, model, schema
from gallery.storage.dynamodb.connection import get_connection, key_condition, translate_errors
from gallery.storage.dynamodb.cursor import decode_cursor, encode_cursor
from gallery.storage.dynamodb.errors import PhotoChanged, PhotoNotFound
from gallery.storage.dynamodb.favorites import may_favorite
from gallery.storage.dynamodb.transactions import Transaction, exists, not_written_yet

PREFIX = model.COMMENT.sk_prefix()
ALBUM_PREFIX = model.ALBUM_COMMENT.sk_prefix()
_KEY_ATTRIBUTES = ("pk", "sk")


def comment_key(photo_id, key, album_id=""):
    """A photo's comment's key, or an album's when `album_id` is given."""
    if album_id:
        return model.ALBUM_COMMENT.key(album_id=album_id, comment_key=key)
    return model.COMMENT.key(photo_id=photo_id, comment_key=key)


def _key(comment):
    return comment_key(comment.photo_id, comment.key, comment.album_id)


def author_list(author_id):
    return model.COMMENT.list_pk.format(author_id=author_id)


def author_list_key(comment):
    """The comment's place in its author's COMMENTS# list of the lists index (the data export's
    one Query a page): the key starts with the time written, so oldest first."""
    if comment.album_id:
        list_sk = model.ALBUM_COMMENT.list_sk.format(comment_key=comment.key, album_id=comment.album_id)
    else:
        list_sk = model.COMMENT.list_sk.format(comment_key=comment.key, photo_id=comment.photo_id)
    return {"list_pk": author_list(comment.author_id), "list_sk": list_sk}


def comment_item(comment):
    return {
        **_key(comment),
        **author_list_key(comment),
        "author_id": comment.author_id,
        "author": comment.author,
        "text": comment.text,
        "created": comment.created,
        "edited": comment.edited,
        "mentions": list(comment.mentions),
        "hidden": comment.hidden,
    }


def comment_from_item(item):
    parts = model.COMMENT.parts(item) or model.ALBUM_COMMENT.parts(item)
    return Comment(
        photo_id=parts.get("photo_id", ""),
        album_id=parts.get("album_id", ""),
        key=parts["comment_key"],
        author_id=int(item["author_id"]),
        author=item.get("author", ""),
        text=item.get("text", ""),
        created=item.get("created", ""),
        edited=item.get("edited", ""),
        mentions=tuple(item.get("mentions") or ()),
        hidden=bool(item.get("hidden", False)),
    )


def add_comment(comment):
    """Store a new comment, in one transaction with the check that its photo is there, not in
    the trash and the author's to see (the same condition as a favourite's); PhotoNotFound if not."""
    write = Transaction()
    if comment.album_id:  # the album is there with its comments open (who sees it: the service)
        write.check(
            schema.album_key(comment.album_id),
            condition="attribute_exists(pk) AND comments_open = :open",
            values={":open": True},
            on_fail=CommentsClosed(comment.album_id),
        )
    else:
        write.check(
            schema.photo_key(comment.photo_id),
            **may_favorite(comment.author_id),
            on_fail=PhotoNotFound(comment.photo_id),
        )
    write.put(comment_item(comment), **not_written_yet())
    write.commit()
    return comment


def get_comment(photo_id, key, album_id=""):
    with translate_errors():
        item = (
            get_connection()
            .table.get_item(Key=comment_key(photo_id, key, album_id), ConsistentRead=True)
            .get("Item")
        )
    if item is None:
        raise NoSuchComment(photo_id + key)
    return comment_from_item(item)


def update_comment(comment, **changes):
    """Rewrite the comment's fields `changes` (text, edited, mentions, hidden); NoSuchComment if
    it was deleted meanwhile (an update would otherwise create it)."""
    names = {f"#{name}": name for name in changes}
    values = {
        f":{name}": list(value) if isinstance(value, tuple) else value for name, value in changes.items()
    }
    write = Transaction()
    write.update(
        _key(comment),
        "SET " + ", ".join(f"#{name} = :{name}" for name in changes),
        **exists(on_fail=NoSuchComment(comment.id)),
        names=names,
        values=values,
    )
    write.commit()
    return Comment(**{**comment.__dict__, **changes})


def delete_comment(comment):
    """Delete the comment; False if it was gone already (two tabs, two deletes: both end right)."""
    write = Transaction()
    write.delete(_key(comment), **exists())
    try:
        write.commit()
    except PhotoChanged:
        return False
    return True


def comments_page(photo_id, *, cursor=None, limit=24, album_id=""):
    """One page of the photo's (or album's) comments, oldest first: one Query (hidden ones
    included: the reader filters, so a page's cursor never skips), kept in the list page cache
    as a list page is (listcache: until the next write; a photo page then asks DynamoDB for the
    photo alone when its previous and next are cached too)."""
    key = ("comments", photo_id, album_id, cursor, limit)
    return listcache.page(key, lambda: _comments_page(photo_id, cursor, limit, album_id))


def _comments_page(photo_id, cursor, limit, album_id):
    pk = schema.album_pk(album_id) if album_id else schema.photo_pk(photo_id)
    prefix = ALBUM_PREFIX if album_id else PREFIX
    query = {**key_condition("pk", pk, "sk", "begins_with", prefix), "Limit": limit}
    if cursor:
        query["ExclusiveStartKey"] = decode_cursor(cursor, pk, attributes=_KEY_ATTRIBUTES, partition="pk")
    with translate_errors():
        items, last = get_connection().query_page(**query)  # read from the JSON (connection.query_items)
    return Page(
        items=[comment_from_item(item) for item in items],
        next_cursor=encode_cursor({name: last[name] for name in _KEY_ATTRIBUTES}) if last else None,
    )


def comment_items(photo_id):
    """Every comment item of the photo, consistently read."""
    return get_connection().query_all(
        KeyConditionExpression=Key("pk").eq(schema.photo_pk(photo_id)) & Key("sk").begins_with(PREFIX),
        ConsistentRead=True,
    )


def follow_delete(photo_id):
    """After a photo's delete: remove every comment of it."""
    table = get_connection().table
    for item in list(comment_items(photo_id)):
        with translate_errors():
            table.delete_item(Key=schema.key_of(item))


def follow_album_delete(album_id):
    """After an album's delete: remove every comment of it."""
    table = get_connection().table
    items = get_connection().query_all(
        KeyConditionExpression=Key("pk").eq(schema.album_pk(album_id)) & Key("sk").begins_with(ALBUM_PREFIX),
        ConsistentRead=True,
    )
    for item in list(items):
        with translate_errors():
            table.delete_item(Key=schema.key_of(item))


def author_comments(author_id):
    """Every comment the user wrote, oldest first: their COMMENTS# list, one Query a page."""
    items = get_connection().query_all(
        IndexName=schema.LISTS_INDEX, KeyConditionExpression=Key("list_pk").eq(author_list(author_id))
    )
    for item in items:
        yield comment_from_item(item)


def unlisted(scan):
    """Comments missing from (or misplaced in) their author's list, by their items' keys:
    those written before the list existed. Sorted."""
    return sorted(
        (photo_id, key)
        for photo_id, found in scan.comments.items()
        for key, item in found.items()
        if {name: item.get(name) for name in ("list_pk", "list_sk")}
        != author_list_key(comment_from_item(item))
    )


def list_comment(photo_id, key):
    """Put the comment in its author's list (reconcile's repair); nothing if it is gone."""
    table = get_connection().table
    with translate_errors():
        try:
            item = table.get_item(Key=comment_key(photo_id, key), ConsistentRead=True).get("Item")
            if item is None:
                return False
            listed = author_list_key(comment_from_item(item))
            table.update_item(
                Key=comment_key(photo_id, key),
                UpdateExpression="SET list_pk = :pk, list_sk = :sk",
                ConditionExpression="attribute_exists(pk)",
                ExpressionAttributeValues={":pk": listed["list_pk"], ":sk": listed["list_sk"]},
            )
        except table.meta.client.exceptions.ConditionalCheckFailedException:
            return False
    return True
