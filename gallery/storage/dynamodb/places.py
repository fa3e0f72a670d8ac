"""The owner's map: where their geotagged photos were taken, read from their PLACES# list.

Each geotagged ready photo has a card in its owner's PLACES# list (gallery.domain.lists), written
in the photo's own transactions like every card, so an edit, a delete or a new position moves it
with the photo; only these cards carry the position. The map is one Query of that list on the
lists index, projected to the four attributes it needs, paginated by DynamoDB at 1 MB read
(about 2 000 cards a page): some five pages for 10 000 photos, never a scan of the table.
"""

from boto3.dynamodb.conditions import Key

from gallery.domain.lists import places_list
from gallery.storage.dynamodb.connection import get_connection
from gallery.storage.dynamodb.schema import LISTS_INDEX

_ATTRIBUTES = ("id", "latitude", "longitude", "thumbnail_key")


def places(owner_id):
    """[(photo id, latitude, longitude, thumbnail key)] of the owner's geotagged photos, newest
    taken first; latitude and longitude as floats."""
    items = get_connection().query_all(
        IndexName=LISTS_INDEX,
        KeyConditionExpression=Key("list_pk").eq(places_list(owner_id)),
        ScanIndexForward=False,
        ProjectionExpression=", ".join(f"#{name}" for name in _ATTRIBUTES),
        ExpressionAttributeNames={f"#{name}": name for name in _ATTRIBUTES},
    )
    return [
        (item["id"], float(item["latitude"]), float(item["longitude"]), item["thumbnail_key"])
        for item in items
    ]
