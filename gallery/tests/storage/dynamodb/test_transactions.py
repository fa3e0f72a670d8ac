"""gallery.storage.dynamodb.transactions: the actions of a write, and which cancellation reason counts."""

from gallery.storage.dynamodb.counters import add_expression, tag_deltas
from gallery.storage.dynamodb.transactions import Transaction, not_written_yet, same_revision
from gallery.tests.factories import make_photo

CONDITION_FAILED = {"Code": "ConditionalCheckFailed"}
NONE = {"Code": "None"}


def test_actions_are_in_order_with_their_conditions():
    write = Transaction("photos")
    write.put({"pk": "PHOTO#1", "sk": "PHOTO"}, **not_written_yet())
    write.delete({"pk": "PHOTO#1", "sk": "LIST#FEED"})

    assert write.actions == [
        {
            "Put": {
                "Item": {"pk": "PHOTO#1", "sk": "PHOTO"},
                "TableName": "photos",
                "ConditionExpression": "attribute_not_exists(pk)",
            }
        },
        {"Delete": {"Key": {"pk": "PHOTO#1", "sk": "LIST#FEED"}, "TableName": "photos"}},
    ]


def test_counter_updates_add_and_name_their_tag():
    assert add_expression(-1, tag="dusk") == {
        "UpdateExpression": "SET tag = :tag ADD photo_count :delta",
        "ExpressionAttributeValues": {":delta": -1, ":tag": "dusk"},
    }
    assert tag_deltas({"sea", "city"}, {"sea", "dusk"}) == {"dusk": 1, "city": -1}


def test_only_the_reason_of_the_action_with_the_condition_counts():
    write = Transaction("photos")
    write.delete({"pk": "PHOTO#1", "sk": "LIST#FEED", "title": "ignored"})
    write.put({"pk": "PHOTO#1", "sk": "PHOTO"}, **same_revision(make_photo(1, revision=2)))

    assert write.actions[0] == {
        "Delete": {"Key": {"pk": "PHOTO#1", "sk": "LIST#FEED"}, "TableName": "photos"}
    }
    assert write.condition_failed([NONE, CONDITION_FAILED])
    assert not write.condition_failed([CONDITION_FAILED, NONE])  # an action without a condition
    assert not write.condition_failed([])  # cancelled for another reason (no reasons given)


def test_a_photo_of_before_revisions_may_lack_the_attribute():
    assert "attribute_not_exists(revision)" in same_revision(make_photo(1))["condition"]
    assert same_revision(make_photo(1, revision=4)) == {
        "condition": "revision = :revision",
        "values": {":revision": 4},
    }
