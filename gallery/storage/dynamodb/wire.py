"""DynamoDB's JSON wire format read straight into Python values, as boto3's TypeDeserializer
would give them (numbers as Decimal, binary as Binary, sets as sets).

Why our own: botocore parses a response by walking the service model's shapes, one Python call
per attribute value, and boto3 then walks the result again to deserialise it. For a list page
of 24 cards that was a third of the page's server time (docs/benchmarks.md); `json.loads` and
this one walk cost a tenth of it. Used only where a Query's or BatchGetItem's items are read whole
(Connection.query_items, Connection.batch_get_items); everything else goes through boto3.
"""

import base64
from decimal import Decimal

from boto3.dynamodb.types import Binary


def item(wire_item):
    """{"name": {"S": "x"}, ...} -> {"name": "x", ...}"""
    return {name: value(typed) for name, typed in wire_item.items()}


def value(typed):
    ((kind, raw),) = typed.items()
    return _READERS[kind](raw)


_READERS = {
    "S": str,
    "N": Decimal,
    "BOOL": bool,
    "NULL": lambda raw: None,
    "B": lambda raw: Binary(base64.b64decode(raw)),
    "L": lambda raw: [value(element) for element in raw],
    "M": item,
    "SS": set,
    "NS": lambda raw: {Decimal(number) for number in raw},
    "BS": lambda raw: {Binary(base64.b64decode(element)) for element in raw},
}
