"""What the tests check in S3 and DynamoDB after a request: photo items and orphans."""

from gallery.storage.dynamodb import model, schema


def photo_items(aws):
    """The items of photos (their partitions), leaving out counters and other bookkeeping."""
    return [item for item in aws.table_items() if item["pk"].startswith("PHOTO#")]


def assert_nothing_stored(aws):
    assert aws.object_keys() == []
    assert photo_items(aws) == []


def assert_no_orphans(aws):
    """Every object belongs to a photo item, and every key a photo item names exists."""
    items = photo_items(aws)
    photos = [item for item in items if item["sk"] == "PHOTO"]
    # Read back as the record (the one list of the keys a photo owns: Photo.object_keys).
    named = {key for item in photos for key in schema.photo_from_item(item).object_keys}
    assert set(aws.object_keys()) == named
    assert {item["pk"] for item in items} == {item["pk"] for item in photos}  # no card without its photo


def assert_lists_match_photos(aws):
    """Every card carries its photo item's title, tags and visibility, and every counter equals
    the number of cards it counts (TAG#<tag> cards for a tag, OWNER#<id> and TRASH#<id> cards for
    an owner)."""
    items = photo_items(aws)
    photos = {item["pk"]: item for item in items if item["sk"] == "PHOTO"}
    cards = [item for item in items if model.CARD.matches(item)]  # not favourites, memberships, counts
    for card in cards:
        photo = photos[card["pk"]]
        shown = {name: card[name] for name in ("title", "tags", "visibility")}
        assert shown == {name: photo[name] for name in shown}, card["sk"]
    counters = [item for item in aws.table_items() if item["pk"] in ("TAGS", "OWNERS")]
    counted = {(item["pk"], item["sk"]): int(item["photo_count"]) for item in counters}
    listed = {}
    for card in cards:
        kind, _, rest = card["list_pk"].partition("#")
        if kind in ("TAG", "OWNER", "TRASH"):  # the owner count counts the trash too
            key = ("TAGS", card["list_pk"]) if kind == "TAG" else ("OWNERS", f"OWNER#{rest}")
            listed[key] = listed.get(key, 0) + 1
    assert {key: count for key, count in counted.items() if count} == listed
