"""Building one TransactWriteItems request and reading why DynamoDB cancelled it.

Condition objects (boto3.dynamodb.conditions) are not expanded inside transactions, so
conditions here are plain expressions. A transaction holds one photo's items only: the shared
counters are updated after it (counters.py), so uploads of one user or one tag never conflict.
"""

from gallery.metadata.schema import key_of

CONDITION_FAILED = "ConditionalCheckFailed"


class Transaction:
    """The actions of one all-or-nothing write, in the order they are added."""

    def __init__(self, table_name):
        self.table_name = table_name
        self.actions = []
        self._conditional = []  # indexes of the actions that carry a condition

    def put(self, item, **condition):
        self._add("Put", Item=item, **condition)

    def delete(self, item, **condition):
        self._add("Delete", Key=key_of(item), **condition)

    def condition_failed(self, cancellation_reasons):
        """Whether DynamoDB cancelled the transaction because an action's condition failed.

        Reasons come one per action, in order; only those of actions that carry a condition are
        read, so a throttled or conflicting unconditional action is not mistaken for a stale read.
        """
        return any(
            index < len(cancellation_reasons) and cancellation_reasons[index].get("Code") == CONDITION_FAILED
            for index in self._conditional
        )

    def _add(self, kind, condition=None, values=None, **body):
        body["TableName"] = self.table_name
        if condition:
            body["ConditionExpression"] = condition
            self._conditional.append(len(self.actions))
        if values:
            body["ExpressionAttributeValues"] = values
        self.actions.append({kind: body})


def same_revision(photo):
    """Condition for writing over `photo`: it still exists, unchanged since it was read."""
    if photo.revision == 0:  # items written before revisions existed have none
        condition = "attribute_exists(pk) AND (attribute_not_exists(revision) OR revision = :revision)"
    else:
        condition = "revision = :revision"
    return {"condition": condition, "values": {":revision": photo.revision}}


def not_written_yet():
    """Condition for creating a photo item: none with its key exists."""
    return {"condition": "attribute_not_exists(pk)"}
