"""Whether the lists and counters agree with the photo items, and their repair (`manage.py
reconcile`, gallery.services.reconcile).

The photo item is the truth. Each photo's cards must be exactly schema.card_items(photo): one per
list it belongs to (one per search token in the word lists), carrying its current title, tags
and visibility. Cards of lists that no longer exist (TITLE#, before word search) are stale too:
`manage.py reindex` (gallery.services.reconcile.reindex) rewrites only these. Each tag counter must equal
the number of public photos with the tag (its TAG#<tag> cards), each owner counter the number of
the owner's ready photos (their OWNER#<id> cards). Counters can drift (counters.py: they are updated
after the photo's transaction), cards should not, but a bug or a hand edit may leave them wrong.

Writes in flight while the table is scanned can be judged wrong (a counter whose ADD has not
arrived yet); the repairs are conditional on what was read, and a later run judges again.
"""

import collections
import logging

from botocore.exceptions import ClientError

from gallery.domain.catalog import counted_photos, counted_tags, visible_to
from gallery.storage.dynamodb import schema
from gallery.storage.dynamodb.connection import get_connection, translate_errors
from gallery.storage.dynamodb.transactions import Transaction, same_revision

logger = logging.getLogger(__name__)


def stale_lists(scan):
    """Ids of the photos whose cards are not exactly those their item calls for, sorted."""
    return sorted(
        photo_id
        for photo_id, photo in scan.photos.items()
        if scan.cards.get(photo_id, {}) != {card["sk"]: card for card in schema.card_items(photo)}
    )


def wrong_counts(scan):
    """[(counter sk, stored count, true count)] of every counter that is off, sorted."""
    tags = collections.Counter(tag for photo in scan.photos.values() for tag in counted_tags(photo))
    owners = collections.Counter()
    for photo in scan.photos.values():
        owners[photo.owner_id] += counted_photos(photo)  # a processing or failed photo counts 0
    truth = {schema.tag_count_key(tag)["sk"]: count for tag, count in tags.items()}
    truth |= {schema.owner_count_key(owner)["sk"]: count for owner, count in owners.items()}
    stored = {sk: schema.count_of(item) for sk, item in scan.counters.items()}
    return sorted(
        (sk, stored.get(sk, 0), truth.get(sk, 0))
        for sk in truth.keys() | stored.keys()
        if stored.get(sk, 0) != truth.get(sk, 0)
    )


def rewrite_cards(photo, cards):
    """Write the photo's cards from its item and delete any other card (`cards`: the sort keys
    found), in one transaction conditional on the revision scanned. Returns False if the photo
    changed meanwhile (its own write has made its cards right)."""
    connection = get_connection()
    write = Transaction(connection.table_name)
    write.put(schema.photo_item(photo), **same_revision(photo))  # unchanged: carries the condition
    expected = schema.card_items(photo)
    for card in expected:
        write.put(card)
    for sk in set(cards) - {card["sk"] for card in expected}:
        write.delete({"pk": schema.photo_pk(photo.id), "sk": sk})
    with translate_errors():
        try:
            connection.client.transact_write_items(TransactItems=write.actions)
        except ClientError as error:
            if write.condition_failed(error.response.get("CancellationReasons") or []):
                return False
            raise
    logger.warning("reconcile: rewrote the list cards of photo %s", photo.id)
    return True


def set_count(sk, stored, true):
    """Set a counter to its true count, if it still holds the count read. Returns False if an
    upload, edit or delete counted meanwhile (the next run judges it again)."""
    pk = schema.TAGS_PK if sk.startswith("TAG#") else schema.OWNERS_PK
    update = {
        "Key": {"pk": pk, "sk": sk},
        "UpdateExpression": "SET photo_count = :true",
        "ConditionExpression": "attribute_not_exists(photo_count) OR photo_count = :stored",
        "ExpressionAttributeValues": {":true": true, ":stored": stored},
    }
    if pk == schema.TAGS_PK:
        update["UpdateExpression"] += ", tag = :tag"
        update["ExpressionAttributeValues"][":tag"] = sk.removeprefix("TAG#")
    table = get_connection().table
    with translate_errors():
        try:
            table.update_item(**update)
        except table.meta.client.exceptions.ConditionalCheckFailedException:
            return False
    logger.warning("reconcile: set counter %s from %d to %d", sk, stored, true)
    return True


def hidden_favorites(scan):
    """[(photo id, user id)] of favourites whose user may no longer see the photo (it turned
    private and the removal that follows the edit did not happen), sorted."""
    return sorted(
        (photo_id, fan_id)
        for photo_id, fans in scan.favorites.items()
        if photo_id in scan.photos
        for fan_id in fans
        if not visible_to(scan.photos[photo_id], fan_id)
    )


def wrong_favorite_counts(scan):
    """[(photo id, stored count, true count)] of the photos whose favourite count is off."""
    return sorted(
        (photo_id, scan.favorite_counts.get(photo_id, 0), len(scan.favorites.get(photo_id, {})))
        for photo_id in scan.photos
        if scan.favorite_counts.get(photo_id, 0) != len(scan.favorites.get(photo_id, {}))
    )


def set_favorite_count(photo_id, stored, true):
    """Set a favourite count to its true value if it still holds the count read."""
    table = get_connection().table
    with translate_errors():
        try:
            table.update_item(
                Key=schema.favorite_count_key(photo_id),
                UpdateExpression="SET favorite_count = :true",
                ConditionExpression="attribute_not_exists(favorite_count) OR favorite_count = :stored",
                ExpressionAttributeValues={":true": true, ":stored": stored},
            )
        except table.meta.client.exceptions.ConditionalCheckFailedException:
            return False
    logger.warning("reconcile: set the favourite count of %s from %d to %d", photo_id, stored, true)
    return True
