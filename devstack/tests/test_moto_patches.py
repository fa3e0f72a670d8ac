"""devstack/moto_patches.py's serializer shortcut: DynamoDB answers carry the same JSON as moto's
own shape-driven serializer writes, for any attribute values; its item-size check: the same items
made, the same ones refused (the other patches are exercised by every test that talks to the local
stack, and measured by bench/local_stack.py)."""

from hypothesis import example, given, settings
from hypothesis import strategies as st
from moto.core.serialize import BaseJSONSerializer, XFormedAttributePicker, get_serializer_class
from moto.core.utils import get_service_model
from moto.dynamodb.exceptions import ItemSizeTooLarge
from moto.dynamodb.models.dynamo_type import DynamoType, Item

from devstack import moto_patches

NAMES = st.text(min_size=1, max_size=6)
STRINGS = st.text(max_size=8)
NUMBERS = st.integers(-(10**6), 10**6).map(str)
SCALARS = st.one_of(
    st.builds(lambda text: {"S": text}, STRINGS),
    st.builds(lambda number: {"N": number}, NUMBERS),
    st.builds(lambda data: {"B": data}, st.binary(max_size=8)),
    st.builds(lambda flag: {"BOOL": flag}, st.booleans()),
    st.just({"NULL": True}),
    st.builds(lambda texts: {"SS": sorted(texts)}, st.sets(STRINGS, min_size=1, max_size=3)),
    st.builds(lambda numbers: {"NS": sorted(numbers)}, st.sets(NUMBERS, min_size=1, max_size=3)),
    st.builds(lambda blobs: {"BS": sorted(blobs)}, st.sets(st.binary(max_size=4), min_size=1, max_size=3)),
)
ATTRIBUTE_VALUES = st.recursive(
    SCALARS,
    lambda inner: st.one_of(
        st.builds(lambda values: {"L": values}, st.lists(inner, max_size=3)),
        st.builds(lambda values: {"M": values}, st.dictionaries(NAMES, inner, max_size=3)),
    ),
    max_leaves=8,
)
ITEMS = st.dictionaries(NAMES, ATTRIBUTE_VALUES, min_size=1, max_size=4)


def body(operation, result):
    """The JSON moto's server writes for `result` of a DynamoDB `operation`, as ActionResult does."""
    operation_model = get_service_model("dynamodb").operation_model(operation)
    serializer_class = get_serializer_class("dynamodb", "json")
    serializer = serializer_class(operation_model=operation_model, value_picker=XFormedAttributePicker())
    return serializer.serialize(result)["body"]


def both(operation, result):
    """body() with moto's own serializer, then with the shortcut installed (then moto's again)."""
    original = BaseJSONSerializer._serialize_type_structure
    plain = body(operation, result)
    try:
        moto_patches.fast_attribute_values()
        return plain, body(operation, result)
    finally:
        BaseJSONSerializer._serialize_type_structure = original


@given(item=ITEMS)
def test_an_item_is_written_as_moto_writes_it(item):
    capacity = {"TableName": "t", "CapacityUnits": 0.5}

    plain, fast = both("GetItem", {"Item": item, "ConsumedCapacity": capacity})

    assert fast == plain


@given(items=st.lists(ITEMS, max_size=3), last=st.none() | ITEMS)
def test_a_page_of_items_is_written_as_moto_writes_it(items, last):
    result = {"Items": items, "Count": len(items), "ScannedCount": len(items), "LastEvaluatedKey": last}

    plain, fast = both("Query", result)

    assert fast == plain


def made(attributes):
    """The attributes of the item moto makes of `attributes`, or the error it refuses them with."""
    try:
        return dict(Item(DynamoType({"S": "key"}), None, attributes).attrs)
    except ItemSizeTooLarge as error:
        return type(error)


# Around moto's limit: up to four long strings, a number and a map beside them.
LONG_STRINGS = st.builds(lambda size: {"S": "x" * size}, st.integers(0, 210_000))
LARGE_ITEMS = st.dictionaries(NAMES, st.one_of(LONG_STRINGS, ATTRIBUTE_VALUES), min_size=1, max_size=5)


@settings(deadline=None)  # moto's own check of a 400 KB item is slow: what the patch is for
@given(attributes=LARGE_ITEMS)
@example(attributes={"a": {"S": "x" * 404_999}})  # 405 000 bytes with its name: the largest made
@example(attributes={"a": {"S": "x" * 405_000}})
def test_an_item_is_made_or_refused_as_moto_makes_or_refuses_it(attributes):
    original = Item.__init__
    plain = made(attributes)
    try:
        moto_patches.item_size_checked_once()
        fast = made(attributes)
    finally:
        Item.__init__ = original

    assert fast == plain
