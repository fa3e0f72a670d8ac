"""Building one TransactWriteItems request and reading why DynamoDB cancelled it.

Condition objects (boto3.dynamodb.conditions) are not expanded inside transactions, so
conditions here are plain expressions.
"""

from botocore.exceptions import BotoCoreError, ClientError

from gallery.metadata.connection import get_connection, unavailable
from gallery.metadata.schema import key_of, tag_count_key

CONDITION_FAILED = "ConditionalCheckFailed"


class Transaction:
    """The actions of one all-or-nothing write, in the order they are added."""

    def __init__(self, table_name):
        self.table_name = table_name
        self.actions = []
        self._conditional = []  # indexes of the actions that carry a condition

    # Each adder returns the index of its action, by which send() names a failed condition.
    def put(self, item, **condition):
        return self._add("Put", Item=item, **condition)

    def delete(self, item, **condition):
        return self._add("Delete", Key=key_of(item), **condition)

    def check(self, key, **condition):
        """A condition on an item the transaction does not write."""
        return self._add("ConditionCheck", Key=key, **condition)

    def add_count(self, key, delta, counter="photo_count", condition=None, **attributes):
        """ADD delta to a counter item's `counter` (created at 0 if missing), SET attributes."""
        update, values = f"ADD {counter} :delta", {":delta": delta}
        if attributes:
            update = "SET " + ", ".join(f"{name} = :{name}" for name in attributes) + " " + update
            values.update({f":{name}": value for name, value in attributes.items()})
        return self._add("Update", Key=key, UpdateExpression=update, values=values, condition=condition)

    def move_tag_counts(self, old_tags, new_tags):
        """Count the tags gained, uncount the tags lost (each tag item names its tag)."""
        for tags, delta in ((new_tags - old_tags, 1), (old_tags - new_tags, -1)):
            for tag in sorted(tags):
                self.add_count(tag_count_key(tag), delta, tag=tag)

    def condition_failed(self, cancellation_reasons):
        """Whether DynamoDB cancelled the transaction because an action's condition failed.

        Reasons come one per action, in order; only those of actions that carry a condition are
        read, so a throttled or conflicting unconditional action is not mistaken for a stale read.
        """
        return bool(self.failed_conditions(cancellation_reasons))

    def failed_conditions(self, cancellation_reasons):
        """Indexes of the actions whose condition failed (empty for any other cancellation)."""
        return {
            index
            for index in self._conditional
            if index < len(cancellation_reasons)
            and cancellation_reasons[index].get("Code") == CONDITION_FAILED
        }

    def send(self):
        """Write every action at once. Returns the indexes of the actions whose condition failed
        (an empty set when it was written); any other failure raises MetadataUnavailable."""
        try:
            get_connection().client.transact_write_items(TransactItems=self.actions)
        except ClientError as error:
            failed = self.failed_conditions(error.response.get("CancellationReasons") or [])
            if failed:
                return failed
            raise unavailable(error) from error
        except BotoCoreError as error:
            raise unavailable(error) from error
        return set()

    def _add(self, kind, condition=None, values=None, **body):
        body["TableName"] = self.table_name
        if condition:
            body["ConditionExpression"] = condition
            self._conditional.append(len(self.actions))
        if values:
            body["ExpressionAttributeValues"] = values
        self.actions.append({kind: body})
        return len(self.actions) - 1


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
