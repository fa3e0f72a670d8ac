"""The counters: public photos per tag (the tag cloud) and photos per owner (the admin).

They are the table's hot items: every upload tagged "sunset" writes the one TAG#sunset item,
every upload of a user the one OWNER#<id> item. Inside a photo's transaction they made
concurrent uploads cancel each other (TransactionConflict), so they are written after the
photo's transaction has committed, one UpdateItem with ADD each: DynamoDB applies single-item
updates one after the other, and ADD commutes, so concurrent uploads all count without
conflict. The price: a process that dies between the photo's transaction and its counter
updates (or an update that fails after botocore's retries) leaves a count off by one until
`manage.py reconcile --fix` recounts (maintenance.check_lists). A failed update is logged and
does not fail the upload, edit or delete, whose photo is already stored.

Sharded counters would keep the counts in the transaction, but only make conflicts rarer
(popular tags still collide) and turn every read of a count into N reads; a stream consumer
needs another deployed component. Counts are a display aid, a photo is not: the photo's own
write must never fail for the sake of a counter.
"""

import logging

from botocore.exceptions import BotoCoreError, ClientError

from gallery.storage.dynamodb import schema
from gallery.storage.dynamodb.connection import get_connection

logger = logging.getLogger(__name__)


def tag_deltas(old_tags, new_tags):
    """{tag: +1 or -1}: the tags gained are counted, the tags lost uncounted."""
    return {**dict.fromkeys(new_tags - old_tags, 1), **dict.fromkeys(old_tags - new_tags, -1)}


def add_counts(tags=None, owners=None):
    """ADD each delta of `tags` ({tag: delta}) and `owners` ({user id: delta}) to its counter."""
    tags, owners = sorted((tags or {}).items()), sorted((owners or {}).items())
    updates = [(schema.tag_count_key(tag), delta, {"tag": tag}) for tag, delta in tags]
    updates += [(schema.owner_count_key(owner), delta, {}) for owner, delta in owners]
    table = get_connection().table
    for key, delta, attributes in updates:
        if not delta:
            continue
        try:
            table.update_item(Key=key, **add_expression(delta, **attributes))
        except (ClientError, BotoCoreError) as error:
            logger.warning(
                "counter %s not updated by %+d (reconcile --fix recounts it): %s", key["sk"], delta, error
            )


def add_expression(delta, **attributes):
    """UpdateItem arguments: ADD delta to photo_count (created at 0 if missing), SET attributes."""
    update, values = "ADD photo_count :delta", {":delta": delta}
    if attributes:
        update = "SET " + ", ".join(f"{name} = :{name}" for name in attributes) + " " + update
        values.update({f":{name}": value for name, value in attributes.items()})
    return {"UpdateExpression": update, "ExpressionAttributeValues": values}


def add_favorite_count(photo_id, delta):
    """ADD delta to the photo's favorite_count, after the favourite itself was written or deleted.
    A decrement only applies while the count exists: a deleted photo's count (deleted with it)
    is not reborn at -1. Failures are logged as the other counters' (reconcile recounts)."""
    update = {"UpdateExpression": "ADD favorite_count :delta", "ExpressionAttributeValues": {":delta": delta}}
    if delta < 0:
        update["ConditionExpression"] = "attribute_exists(pk)"
    table = get_connection().table
    try:
        table.update_item(Key=schema.favorite_count_key(photo_id), **update)
    except ClientError as error:
        if error.response["Error"]["Code"] != "ConditionalCheckFailedException":
            logger.warning("favourite count of %s not updated by %+d: %s", photo_id, delta, error)
    except BotoCoreError as error:
        logger.warning("favourite count of %s not updated by %+d: %s", photo_id, delta, error)
