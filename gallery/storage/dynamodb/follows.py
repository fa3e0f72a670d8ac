"""Follows (model.FOLLOW), their counts (model.FOLLOW_COUNT) and the following feed
(model.FEED_ENTRY): the items and the Queries. The use cases are gallery.services.follows.

A follow is one item in the followed person's partition (FOLLOWERS#<followee>, sk
FOLLOWER#<follower>), so the worker's fan-out reads a person's followers with one Query, page by
page; through the lists index it is also in the follower's FOLLOWING#<follower> list. The counts
are one item a person, changed by ADD right after the follow was written or deleted under a
condition (none there / one there), as the favourite counts (favorites.py).

A feed entry is a copy of a photo's card in the follower's partition FEED#<follower>, sorted by
the photo's place in its owner's public list (created#id): a page of "Following" is one Query of
that partition, newest first. Its writes are spread over the followers' partitions.
"""

import logging
from dataclasses import asdict

from boto3.dynamodb.conditions import Attr, Key
from botocore.exceptions import BotoCoreError, ClientError

from gallery.domain.follows import FEED_SYNC, feed_change
from gallery.domain.lists import user_list
from gallery.storage import sqs
from gallery.storage.dynamodb import model, schema
from gallery.storage.dynamodb.connection import get_connection, translate_errors, unavailable
from gallery.storage.dynamodb.errors import MetadataUnavailable

logger = logging.getLogger(__name__)


def follow_key(follower_id, followee_id):
    return model.FOLLOW.key(follower_id=follower_id, followee_id=followee_id)


def counts_key(user_id):
    return model.FOLLOW_COUNT.key(user_id=user_id)


def feed_pk(follower_id):
    return model.FEED_ENTRY.pk_of(follower_id=follower_id)


def feed_key(follower_id, created, photo_id):
    return model.FEED_ENTRY.key(follower_id=follower_id, created=created, photo_id=photo_id)


def follow_item(follower_id, followee_id, followed_at):
    return {
        **follow_key(follower_id, followee_id),
        "list_pk": model.FOLLOW.list_pk.format(follower_id=follower_id),
        "list_sk": f"{followed_at}#{followee_id}",
        "follower_id": follower_id,
        "followee_id": followee_id,
    }


def feed_item(follower_id, photo):
    return {
        **feed_key(follower_id, photo.created, photo.id),
        "photo_revision": photo.revision,
        **asdict(photo.card),
    }


# --- follows ------------------------------------------------------------------------------------
def add_follow(follower_id, followee_id, followed_at):
    """Store the follow; True if it is new (the counts move only then)."""
    try:
        get_connection().table.put_item(
            Item=follow_item(follower_id, followee_id, followed_at),
            ConditionExpression=Attr("pk").not_exists(),
        )
    except ClientError as error:
        if error.response["Error"]["Code"] == "ConditionalCheckFailedException":
            return False
        raise unavailable(error) from error
    except BotoCoreError as error:
        raise unavailable(error) from error
    _add_counts(follower_id, followee_id, 1)
    return True


def remove_follow(follower_id, followee_id):
    """Remove the follow; True if there was one."""
    try:
        get_connection().table.delete_item(
            Key=follow_key(follower_id, followee_id), ConditionExpression=Attr("pk").exists()
        )
    except ClientError as error:
        if error.response["Error"]["Code"] == "ConditionalCheckFailedException":
            return False
        raise unavailable(error) from error
    except BotoCoreError as error:
        raise unavailable(error) from error
    _add_counts(follower_id, followee_id, -1)
    return True


def _add_counts(follower_id, followee_id, delta):
    table = get_connection().table
    with translate_errors():
        table.update_item(
            Key=counts_key(followee_id),
            UpdateExpression="ADD followers :d",
            ExpressionAttributeValues={":d": delta},
        )
        table.update_item(
            Key=counts_key(follower_id),
            UpdateExpression="ADD following :d",
            ExpressionAttributeValues={":d": delta},
        )


def set_counts(user_id, *, followers, following):
    """Reconcile's repair of a person's counts."""
    with translate_errors():
        get_connection().table.put_item(
            Item={**counts_key(user_id), "followers": followers, "following": following}
        )


def is_following(follower_id, followee_id):
    with translate_errors():
        item = (
            get_connection()
            .table.get_item(Key=follow_key(follower_id, followee_id), ConsistentRead=True)
            .get("Item")
        )
    return item is not None


def counts(user_id):
    """(followers, following) of the user: one GetItem."""
    item = _counts_item(user_id)
    return max(0, int(item.get("followers", 0))), max(0, int(item.get("following", 0)))


def _counts_item(user_id, consistent=False):
    with translate_errors():
        return (
            get_connection().table.get_item(Key=counts_key(user_id), ConsistentRead=consistent).get("Item")
            or {}
        )


def is_wide(user_id):
    """(followers, since when the person is wide or None): the fan-out's question."""
    item = _counts_item(user_id, consistent=True)
    return max(0, int(item.get("followers", 0))), item.get("wide") or None


def mark_wide(user_id, since):
    """Mark the person wide from `since` on (their photos are merged at read time from then
    on); True if new. Photos created after it were never copied into feeds."""
    try:
        get_connection().table.update_item(
            Key=counts_key(user_id),
            UpdateExpression="SET wide = :since",
            ConditionExpression=Attr("wide").not_exists(),
            ExpressionAttributeValues={":since": since},
        )
    except ClientError as error:
        if error.response["Error"]["Code"] == "ConditionalCheckFailedException":
            return False
        raise unavailable(error) from error
    except BotoCoreError as error:
        raise unavailable(error) from error
    return True


def wide_key(follower_id, followee_id):
    return model.FEED_WIDE.key(follower_id=follower_id, followee_id=followee_id)


def put_wide_marks(follower_ids, followee_id):
    put_items(wide_key(follower_id, followee_id) for follower_id in follower_ids)


def follower_ids(followee_id):
    """Every follower of the person (one Query, page by page), consistently read."""
    items = get_connection().query_all(
        KeyConditionExpression=Key("pk").eq(model.FOLLOW.pk_of(followee_id=followee_id)),
        ProjectionExpression="follower_id",
        ConsistentRead=True,
    )
    for item in items:
        yield int(item["follower_id"])


def followee_ids(follower_id):
    """Everyone the user follows (their FOLLOWING# list of the index, page by page)."""
    items = get_connection().query_all(
        IndexName=schema.LISTS_INDEX,
        KeyConditionExpression=Key("list_pk").eq(model.FOLLOW.list_pk.format(follower_id=follower_id)),
    )
    for item in items:
        yield int(item["followee_id"])


def feed_keys(follower_id):
    """Every item of the user's feed partition (entries and wide marks)."""
    items = get_connection().query_all(
        KeyConditionExpression=Key("pk").eq(feed_pk(follower_id)), ProjectionExpression="pk, sk"
    )
    for item in items:
        yield schema.key_of(item)


def has_followers(followee_id):
    """Whether anyone follows the person: one consistent GetItem of their counts (a photo write
    asks it before queueing a fan-out; a GetItem, so list pages' Query counts are unchanged)."""
    item = _counts_item(followee_id, consistent=True)
    return int(item.get("followers", 0)) > 0


# --- the feed -------------------------------------------------------------------------------------
def put_entries(follower_ids, photo):
    """Copy the photo's card into each follower's feed (BatchWriteItem, 25 a request; boto3's
    batch writer sends again what DynamoDB left unprocessed). Returns the number written."""
    written = 0
    with translate_errors(), get_connection().table.batch_writer() as batch:
        for follower_id in follower_ids:
            batch.put_item(Item=feed_item(follower_id, photo))
            written += 1
    return written


def grow_feeds(follower_ids, added, limit):
    """ADD `added` to each follower's feed size (an attribute of their counts item; it never
    counts fewer than the entries there: a card rewritten is counted again, removals are not
    counted). Returns the ids whose size passed `limit`: those feeds need a trim."""
    over = []
    table = get_connection().table
    with translate_errors():
        for follower_id in follower_ids:
            attributes = table.update_item(
                Key=counts_key(follower_id),
                UpdateExpression="ADD feed_size :n",
                ExpressionAttributeValues={":n": added},
                ReturnValues="UPDATED_NEW",
            )["Attributes"]
            if int(attributes["feed_size"]) > limit:
                over.append(follower_id)
    return over


def trim_feed(follower_id, keep):
    """Delete the feed's entries older than its newest `keep` (wide marks stay) and set its size
    to what is left. Idempotent; returns the number deleted. One Query of the entries' keys."""
    table = get_connection().table
    size_read = int(_counts_item(follower_id, consistent=True).get("feed_size", 0))
    entries = get_connection().query_all(
        KeyConditionExpression=Key("pk").eq(feed_pk(follower_id)) & Key("sk").lt(WIDE_PREFIX),
        ProjectionExpression="pk, sk, id, created",
        ScanIndexForward=False,
    )
    keys = [schema.key_of(item) for item in entries if is_entry(item)]
    old = keys[keep:]
    delete_keys(old)
    left = len(keys) - len(old)
    with translate_errors():
        try:
            table.update_item(
                Key=counts_key(follower_id),
                UpdateExpression="SET feed_size = :left",
                ConditionExpression=Attr("feed_size").not_exists() | Attr("feed_size").eq(size_read),
                ExpressionAttributeValues={":left": left},
            )
        except table.meta.client.exceptions.ConditionalCheckFailedException:
            # Entries were added meanwhile: count down only what went, the size stays an upper bound.
            table.update_item(
                Key=counts_key(follower_id),
                UpdateExpression="ADD feed_size :n",
                ExpressionAttributeValues={":n": -len(old)},
            )
    return len(old)


def delete_entries(follower_ids, created, photo_id):
    """Remove the photo from each follower's feed (deleting a missing item is not an error)."""
    deleted = 0
    with translate_errors(), get_connection().table.batch_writer() as batch:
        for follower_id in follower_ids:
            batch.delete_item(Key=feed_key(follower_id, created, photo_id))
            deleted += 1
    return deleted


def delete_keys(keys):
    with translate_errors(), get_connection().table.batch_writer() as batch:
        for key in keys:
            batch.delete_item(Key=key)


def entries_of_owner(follower_id, owner_id):
    """Keys of the entries of one person's photos in a feed (an unfollow's cleanup; their wide
    mark has no owner_id): the whole feed partition read, filtered."""
    items = get_connection().query_all(
        KeyConditionExpression=Key("pk").eq(feed_pk(follower_id)),
        FilterExpression=Attr("owner_id").eq(owner_id),
        ProjectionExpression="pk, sk",
    )
    for item in items:
        yield schema.key_of(item)


WIDE_PREFIX = model.FEED_WIDE.sk_prefix()


def feed_items(follower_id, *, before=None, limit=24):
    """(up to `limit` feed entries older than the sort key `before`, newest first; the ids of
    the wide people followed when `before` is None): one Query of the feed partition, whose
    wide marks sort after every entry, so a first page reads them first (a second Query then
    when there were any)."""
    partition = feed_pk(follower_id)
    condition = Key("pk").eq(partition)
    query = {"ScanIndexForward": False, "Limit": limit}
    wide = []
    if before is None:
        with translate_errors():
            items = get_connection().query_items(KeyConditionExpression=condition, **query)
        wide = [int(model.FEED_WIDE.parts(item)["followee_id"]) for item in items if _is_wide(item)]
        if not wide:
            return [item for item in items if is_entry(item)], wide  # items of no kind left out
        before = WIDE_PREFIX
    with translate_errors():
        items = get_connection().query_items(KeyConditionExpression=condition & Key("sk").lt(before), **query)
    return [item for item in items if is_entry(item)], wide


def is_entry(item):
    """Whether a FEED# item is a feed entry: FEED_ENTRY's "{created}#{photo_id}" would match any
    sort key with a "#", so an entry is one whose sk is its own created#id (others are of no
    declared kind: left alone)."""
    return item["sk"] == f"{item.get('created')}#{item.get('id')}"


def _is_wide(item):
    return item["sk"].startswith(WIDE_PREFIX)


def public_items(owner_id, *, before=None, limit):
    """The person's newest public photos' cards (their public list) older than `before`: a
    follow's backfill, and a wide person's part of a feed page."""
    condition = Key("list_pk").eq(user_list(owner_id))
    if before is not None:
        condition &= Key("list_sk").lt(before)
    with translate_errors():
        return get_connection().query_items(
            IndexName=schema.LISTS_INDEX,
            KeyConditionExpression=condition,
            ScanIndexForward=False,
            Limit=limit,
        )


def entry_from_card_item(follower_id, item):
    """A feed entry made from a card of the owner's public list (the backfill)."""
    card = {name: item[name] for name in schema.card_from_item(item).__dataclass_fields__ if name in item}
    return {
        **feed_key(follower_id, item["created"], item["id"]),
        "photo_revision": 0,  # the next feed_sync of the photo puts its current copy
        **card,
    }


def photo_changed(old, new):
    """After a photo write committed (`old`/`new` None: created, deleted): queue the worker's
    feed_sync when the followers' feeds must change and anyone follows the owner. A failure is
    logged, never the write's: the photo is stored (reconcile reports the feeds left behind)."""
    photo = new or old
    if not feed_change(old, new):
        return False
    try:
        if not has_followers(photo.owner_id):
            return False
        sqs.queue().send(
            {"job": FEED_SYNC, "photo_id": photo.id, "owner_id": photo.owner_id, "created": photo.created}
        )
    except (MetadataUnavailable, sqs.JobsUnavailable):
        logger.warning("feed of photo %s's followers not queued; reconcile will report it", photo.id)
        return False
    return True


def put_items(items):
    with translate_errors(), get_connection().table.batch_writer() as batch:
        for item in items:
            batch.put_item(Item=item)
