"""gallery.storage.dynamodb.wire reads DynamoDB's JSON exactly as boto3's TypeDeserializer does."""

import base64
from decimal import Decimal

from boto3.dynamodb.types import Binary, TypeDeserializer, TypeSerializer

from gallery.storage.dynamodb import wire

EVERY_TYPE = {
    "title": "서울의 노을 Seoul sunset",
    "empty": "",
    "width": Decimal(1600),
    "ratio": Decimal("1.333"),
    "negative": Decimal("-12E+3"),
    "ready": True,
    "hidden": False,
    "nothing": None,
    "thumbnail": Binary(b"\x00\xffbytes"),
    "tags": ["sunset", "서울", Decimal(7), ["nested"], {"deep": True}],
    "exif": {"camera": "X100", "iso": Decimal(200), "flags": {"a": None}},
    "names": {"a", "b"},
    "numbers": {Decimal(1), Decimal("2.5")},
    "blobs": {Binary(b"x"), Binary(b"y")},
}


def as_wire(item):
    """The item as DynamoDB sends it: boto3's serialisation, binary values base64 as in JSON."""
    serializer = TypeSerializer()
    return {name: _binary_mapped(serializer.serialize(value), _base64) for name, value in item.items()}


def _binary_mapped(typed, convert):
    ((kind, raw),) = typed.items()
    if kind == "B":
        return {kind: convert(raw)}
    if kind == "BS":
        return {kind: [convert(element) for element in raw]}
    if kind == "L":
        return {kind: [_binary_mapped(element, convert) for element in raw]}
    if kind == "M":
        return {kind: {name: _binary_mapped(value, convert) for name, value in raw.items()}}
    return typed


def test_every_type_reads_as_boto3_reads_it():
    wire_item = as_wire(EVERY_TYPE)
    deserializer = TypeDeserializer()
    expected = {name: deserializer.deserialize(value) for name, value in as_python_wire(wire_item).items()}

    assert wire.item(wire_item) == expected == EVERY_TYPE


def as_python_wire(wire_item):
    # TypeDeserializer takes binary as bytes (botocore's parser decodes the base64 first).
    return {name: _binary_mapped(value, base64.b64decode) for name, value in wire_item.items()}


def _base64(raw):
    return base64.b64encode(raw).decode()


def test_numbers_stay_decimal_as_boto3_gives_them():
    read = wire.item(as_wire({"count": Decimal(3)}))

    assert type(read["count"]) is Decimal
