"""What the tests check in S3 and DynamoDB after a request: photo items and orphans."""


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
    named = {value for item in photos for name, value in item.items() if name.endswith("_key") and value}
    assert set(aws.object_keys()) == named
    assert {item["pk"] for item in items} == {item["pk"] for item in photos}  # no card without its photo
