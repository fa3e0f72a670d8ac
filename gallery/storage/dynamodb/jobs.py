"""Archive jobs (model.ARCHIVE_JOB) and the reads a zip walks, page by page: photos by id
(BatchGetItem, 100 keys a request), an album's photo ids in album order, a user's photos,
favourites and albums (Queries through boto3's paginator). None of them holds more than a page.
"""

import itertools
from dataclasses import asdict, replace

from boto3.dynamodb.conditions import Attr, Key

from gallery.domain import lists
from gallery.domain.archives import ArchiveJob
from gallery.domain.errors import NotFound
from gallery.storage.dynamodb import model, schema
from gallery.storage.dynamodb.connection import get_connection, translate_errors

_BATCH_GET_KEYS = 100  # BatchGetItem's limit


class JobNotFound(NotFound):
    """No archive job with that id (or it expired and was removed)."""


def job_item(job):
    fields = {name: value for name, value in asdict(job).items() if value is not None}
    item = {**model.ARCHIVE_JOB.key(job_id=job.id), **fields}
    if job.owner_id:  # an anonymous caller's job (a shared album) is in no one's list
        item["list_pk"] = model.ARCHIVE_JOB.list_pk.format(user_id=job.owner_id)
        item["list_sk"] = f"{job.created}#{job.id}"
    return item


def job_from_item(item):
    return schema._record(ArchiveJob, item)


def put_job(job):
    """Store a new job (condition: its id is new)."""
    with translate_errors():
        get_connection().table.put_item(Item=job_item(job), ConditionExpression=Attr("pk").not_exists())


def get_job(job_id):
    with translate_errors():
        item = (
            get_connection()
            .table.get_item(Key=model.ARCHIVE_JOB.key(job_id=job_id), ConsistentRead=True)
            .get("Item")
        )
    if item is None:
        raise JobNotFound(job_id)
    return job_from_item(item)


def save_job(job, **changes):
    """The job with `changes`, stored whole (only the worker writes a job after it is made)."""
    new = replace(job, **changes)
    with translate_errors():
        get_connection().table.put_item(Item=job_item(new))
    return new


def delete_job(job_id):
    with translate_errors():
        get_connection().table.delete_item(Key=model.ARCHIVE_JOB.key(job_id=job_id))


def recent_jobs(owner_id, *, limit=5):
    """The user's newest jobs, newest first: one Query of the lists index."""
    with translate_errors():
        items = get_connection().query_items(
            IndexName=schema.LISTS_INDEX,
            KeyConditionExpression=Key("list_pk").eq(model.ARCHIVE_JOB.list_pk.format(user_id=owner_id)),
            ScanIndexForward=False,
            Limit=limit,
        )
    return [job_from_item(item) for item in items]


# --- what a zip walks, a page at a time --------------------------------------------------------
def photos_by_ids(photo_ids):
    """The photos of `photo_ids` (any iterable, read as it goes) that exist, in that order, read
    100 at a time (BatchGetItem; keys DynamoDB left unprocessed are asked again)."""
    connection = get_connection()
    photo_ids = iter(photo_ids)
    while batch := list(dict.fromkeys(itertools.islice(photo_ids, _BATCH_GET_KEYS))):
        request = {connection.table_name: {"Keys": [schema.photo_key(pid) for pid in batch]}}
        found = {}
        while request:
            with translate_errors():
                response = connection.client.batch_get_item(RequestItems=request)
            for item in response["Responses"].get(connection.table_name, []):
                found[model.PHOTO.parts(item)["photo_id"]] = schema.photo_from_item(item)
            request = response.get("UnprocessedKeys")
        yield from (found[pid] for pid in batch if pid in found)


def album_photo_ids(album_id):
    """The album's photo ids in album order (its entries, one Query page after another)."""
    items = get_connection().query_all(
        KeyConditionExpression=Key("pk").eq(schema.album_pk(album_id))
        & Key("sk").begins_with(schema.ENTRY_PREFIX),
        ProjectionExpression="pk, sk",
    )
    for item in items:
        yield model.ENTRY.parts(item)["photo_id"]


def _list_items(list_name, attributes):
    return get_connection().query_all(
        IndexName=schema.LISTS_INDEX,
        KeyConditionExpression=Key("list_pk").eq(list_name),
        ScanIndexForward=False,
        ProjectionExpression=", ".join(attributes),
    )


def owner_photo_ids(owner_id):
    """Every ready photo of the user, newest first (their OWNER# list)."""
    for item in _list_items(lists.owner_list(owner_id), ("pk",)):
        yield schema.photo_id_of(item["pk"])


def trashed_photo_ids(owner_id):
    """Every photo in the user's trash (their TRASH# list)."""
    for item in _list_items(lists.trash_list(owner_id), ("pk",)):
        yield schema.photo_id_of(item["pk"])


def favorite_items(user_id):
    """(photo id, favourited at) of the user's favourites, newest first (FAVS#)."""
    for item in _list_items(lists.favorites_list(user_id), ("pk", "list_sk")):
        yield schema.photo_id_of(item["pk"]), item["list_sk"].split("#", 1)[0]


def owner_albums(owner_id):
    """Every album of the user, newest first (ALBUMS#)."""
    items = get_connection().query_all(
        IndexName=schema.LISTS_INDEX,
        KeyConditionExpression=Key("list_pk").eq(lists.owner_albums_list(owner_id)),
        ScanIndexForward=False,
    )
    for item in items:
        yield schema.album_from_item(item)
