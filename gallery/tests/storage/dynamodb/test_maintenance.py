"""gallery.storage.dynamodb.maintenance: table creation, the health ping and reconcile's scans, against
moto over HTTP."""

import pytest

from gallery.storage.dynamodb import (
    MetadataUnavailable,
    ensure_table,
    get_connection,
    photo_repository,
    ping,
    purge_photo,
    scan_photos,
    table_schema,
)
from gallery.tests.factories import make_photo


def test_ensure_table_is_idempotent_and_creates_the_lists_index(aws):
    assert ensure_table() is False  # the aws fixture created it already

    connection = get_connection()
    description = connection.client.describe_table(TableName=connection.table_name)["Table"]
    assert [index["IndexName"] for index in description["GlobalSecondaryIndexes"]] == ["lists"]
    assert description["KeySchema"] == table_schema()["KeySchema"]


def test_ping_answers_while_the_table_is_there_and_raises_once_it_is_gone(aws):
    ping()

    connection = get_connection()
    connection.client.delete_table(TableName=connection.table_name)
    with pytest.raises(MetadataUnavailable):
        ping()


def test_scan_finds_every_photo_and_the_cards_left_without_one(aws):
    kept, half_deleted = make_photo(1), make_photo(2)
    photo_repository().put_photo(kept)
    photo_repository().put_photo(half_deleted)
    get_connection().table.delete_item(Key={"pk": f"PHOTO#{half_deleted.id}", "sk": "PHOTO"})

    photos, stray_cards = scan_photos()

    assert photos == {kept.id: kept}  # the counters are not photos
    assert stray_cards == {half_deleted.id}


def test_purge_removes_the_whole_partition_with_or_without_its_photo_item(aws):
    kept, purged = make_photo(1), make_photo(2)
    photo_repository().put_photo(kept)
    photo_repository().put_photo(purged)

    purge_photo(purged.id)

    assert scan_photos() == ({kept.id: kept}, set())
    assert not [item for item in aws.table_items() if item["pk"] == f"PHOTO#{purged.id}"]
