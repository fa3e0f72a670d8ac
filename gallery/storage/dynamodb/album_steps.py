"""Stepping through an album (the photo page's previous and next, in album order): a part of
gallery.storage.dynamodb.albums.AlbumRepository."""

from boto3.dynamodb.conditions import Key

from gallery.storage.dynamodb import schema
from gallery.storage.dynamodb.connection import get_connection, translate_errors

# Entries a step's Query reads at a time: enough to pass a few photos this viewer may not see.
STEP_QUERY_LIMIT = 25


class AlbumSteps:
    def entry_sort_key(self, album_id, photo_id, membership=None):
        """The sort key of the photo's entry in the album, or None when it is not in it: from
        its `membership` when the caller has read it, or from a GetItem of it."""
        if membership is None:
            with translate_errors():
                item = (
                    get_connection()
                    .table.get_item(Key=schema.membership_key(photo_id, album_id), ConsistentRead=True)
                    .get("Item")
                )
            if item is None:
                return None
            return schema.entry_key(album_id, item["position"], photo_id)["sk"]
        return schema.entry_key(album_id, membership.position, photo_id)["sk"]

    def adjacent_cards(self, album_id, sort_key, keep):
        """(previous, next) card around the entry at `sort_key`, in album order, skipping those
        `keep` refuses (what this viewer may not see); None at either end. One Query each way
        of a page of entries, more only past a run of refused ones."""
        return tuple(self._adjacent_card(album_id, sort_key, keep, before=before) for before in (True, False))

    def _adjacent_card(self, album_id, sort_key, keep, *, before):
        condition = Key("pk").eq(schema.album_pk(album_id))
        condition &= (
            Key("sk").between(schema.ENTRY_PREFIX, sort_key)
            if before
            else Key("sk").between(sort_key, schema.ENTRIES_END)
        )
        query = {
            "KeyConditionExpression": condition,
            "ScanIndexForward": not before,
            "Limit": STEP_QUERY_LIMIT,
        }
        while True:
            with translate_errors():
                response = get_connection().table.query(ConsistentRead=True, **query)
            for item in response["Items"]:
                if item["sk"] != sort_key and schema.is_entry(item):
                    card = schema.card_from_item(item)
                    if keep(card):
                        return card
            if "LastEvaluatedKey" not in response:
                return None
            query["ExclusiveStartKey"] = response["LastEvaluatedKey"]
