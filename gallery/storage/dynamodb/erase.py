"""What the table holds of one user, for the deletion of their account (gallery.services.erase).

Which items are a user's is read from the declared data model, never listed here: the user's
photo items (their `owner_id`) and every item whose key or list key is built from the user id
alone (a kind's pattern with `{user_id}` as its only placeholder: their favourites, their photo
count, their albums, their archive jobs, and any such kind added later). Items keyed by a photo
or an album (cards, memberships, entries, favourite counts...) go with the user's photos and
albums through the use cases that delete those.

A Scan, page by page, filtered on the server: a user's favourites of photos in the trash are in
no list (they lost their list_pk), and a photo still processing or failed is in none either, so
no Query of the lists index finds them all. One pass reads the whole table: it is the worker's
job, never a page's.
"""

from dataclasses import dataclass, field
from functools import reduce
from operator import or_

from boto3.dynamodb.conditions import Attr

from gallery.storage.dynamodb import model, schema
from gallery.storage.dynamodb.connection import get_connection, translate_errors

_KEY_FIELDS = ("pk", "sk", "list_pk")


@dataclass
class UserItems:
    """A user's items by kind name: {kind name: [(parts, item)]}."""

    by_kind: dict = field(default_factory=dict)

    def of(self, kind):
        return self.by_kind.get(kind.name, [])

    def __bool__(self):
        return any(self.by_kind.values())


def user_keys(user_id):
    """(key field, value) of every kind's key that names the user and nothing else."""
    found = []
    for kind in model.KINDS:
        for name in _KEY_FIELDS:
            pattern = getattr(kind, name)
            if pattern and set(model.placeholders(pattern)) == {"user_id"}:
                found.append((name, pattern.format(user_id=user_id)))
    return found


def user_items(user_id):
    """Every item that is the user's (see above), by kind."""
    conditions = [Attr(name).eq(value) for name, value in user_keys(user_id)]
    conditions.append(Attr("sk").eq(model.PHOTO.sk) & Attr("owner_id").eq(user_id))
    # Comments the user wrote, on anyone's photos (those on their own photos go with the photos).
    conditions.append(Attr("sk").begins_with(model.COMMENT.sk_prefix()) & Attr("author_id").eq(user_id))
    # ... and on anyone's albums (those on their own albums go with the albums).
    conditions.append(Attr("sk").begins_with(model.ALBUM_COMMENT.sk_prefix()) & Attr("author_id").eq(user_id))
    # Notifications the user caused, in anyone's partition.
    conditions.append(Attr("sk").begins_with(model.NOTE.sk_prefix()) & Attr("actor_id").eq(user_id))
    scan = {"FilterExpression": reduce(or_, conditions)}
    found = UserItems()
    table = get_connection().table
    with translate_errors():
        while True:
            page = table.scan(**scan)
            for item in page.get("Items", []):
                kind, parts = model.kind_of(item)
                if kind is not None:
                    found.by_kind.setdefault(kind.name, []).append((parts, item))
            if "LastEvaluatedKey" not in page:
                return found
            scan["ExclusiveStartKey"] = page["LastEvaluatedKey"]


def delete_item(item):
    """Delete one item by its key (the user's photo count, once their photos are gone)."""
    with translate_errors():
        get_connection().table.delete_item(Key=schema.key_of(item))
