"""Building one TransactWriteItems request, sending it, and reading why DynamoDB cancelled it.

Condition objects (boto3.dynamodb.conditions) are not expanded inside transactions, so
conditions here are plain expressions. A transaction holds one photo's items (and, for albums,
the entries and memberships of one change): the shared counters are updated after it
(counters.py), so uploads of one user or one tag never conflict.
"""

import logging

from botocore.exceptions import BotoCoreError, ClientError

from gallery.storage.dynamodb.connection import get_connection, unavailable
from gallery.storage.dynamodb.errors import PhotoChanged
from gallery.storage.dynamodb.retry import Backoff, conflicted
from gallery.storage.dynamodb.schema import album_card_key, album_key, key_of, photo_key

logger = logging.getLogger(__name__)

CONDITION_FAILED = "ConditionalCheckFailed"


class Transaction:
    """The actions of one all-or-nothing write, in the order they are added."""

    def __init__(self, table_name=None):
        self.table_name = table_name or get_connection().table_name
        self.actions = []
        self._conditional = {}  # index of each action that carries a condition -> its error
        self.failed = []  # after a commit refused by conditions: the indexes of their actions

    def put(self, item, **condition):
        self._add("Put", Item=item, **condition)

    def delete(self, item, **condition):
        self._add("Delete", Key=key_of(item), **condition)

    def update(self, key, expression, **condition):
        self._add("Update", Key=key, UpdateExpression=expression, **condition)

    def extend(self, other):
        """Append `other`'s actions (with their conditions' errors): several photos' writes sent
        as one request (gallery.storage.dynamodb.batches)."""
        offset = len(self.actions)
        self.actions += other.actions
        self._conditional.update({offset + index: error for index, error in other._conditional.items()})

    def check(self, key, **condition):
        """No write: the transaction happens only if `key`'s item meets the condition."""
        self._add("ConditionCheck", Key=key, **condition)

    def touch_photo(self, photo):
        """Bump the photo's revision (conditional on the one read): an edit or a delete that read
        the photo before this transaction then fails with PhotoChanged instead of missing what
        this one changed in the photo's partition (album memberships)."""
        self.update(
            photo_key(photo.id),
            "SET revision = :next",
            **same_revision(photo, values={":next": photo.revision + 1}),
        )

    def commit(self, conflict=None, backoff=None):
        """Send the request. A failed condition raises the error given with its action, else
        `conflict`, else PhotoChanged. Cancelled for a conflict with a concurrent write, it is
        sent again after a jittered pause (retry.py), a bounded number of times; then, like any
        other refusal, MetadataUnavailable ("try again")."""
        if not self.actions:
            return
        backoff = backoff or Backoff()
        delays = backoff.delays()
        while True:
            try:
                get_connection().client.transact_write_items(TransactItems=self.actions)
                return
            except ClientError as error:
                reasons = error.response.get("CancellationReasons") or []
                self.failed = self.failed_actions(reasons)
                failed = self.failed[0] if self.failed else None
                if failed is not None:
                    raise (self._conditional[failed] or conflict or PhotoChanged()) from error
                delay = next(delays, None) if conflicted(reasons) else None
                if delay is None:
                    raise unavailable(error) from error
                logger.info("transaction conflict; retrying in %.3f s", delay)
                backoff.sleep(delay)
            except BotoCoreError as error:
                raise unavailable(error) from error

    def error_of(self, index):
        """The error a failed condition of action `index` raises (PhotoChanged unless given)."""
        return self._conditional.get(index) or PhotoChanged()

    def condition_failed(self, cancellation_reasons):
        """Whether DynamoDB cancelled the transaction because an action's condition failed."""
        return self.failed_action(cancellation_reasons) is not None

    def failed_action(self, cancellation_reasons):
        """The index of the first action whose condition failed, or None.

        Reasons come one per action, in order; only those of actions that carry a condition are
        read, so a throttled or conflicting unconditional action is not mistaken for a stale read.
        """
        return next(iter(self.failed_actions(cancellation_reasons)), None)

    def failed_actions(self, cancellation_reasons):
        """The indexes of every action whose condition failed, in order."""
        failed = []
        for index in sorted(self._conditional):
            reason = cancellation_reasons[index] if index < len(cancellation_reasons) else {}
            if reason.get("Code") == CONDITION_FAILED:
                failed.append(index)
        return failed

    def _add(self, kind, condition=None, values=None, names=None, on_fail=None, **body):
        body["TableName"] = self.table_name
        if names:
            body["ExpressionAttributeNames"] = names
        if condition:
            body["ConditionExpression"] = condition
            self._conditional[len(self.actions)] = on_fail
        if values:
            body["ExpressionAttributeValues"] = values
        self.actions.append({kind: body})


def same_revision(record, values=None, on_fail=None):
    """Condition for writing over `record` (a photo or an album): it still exists, unchanged
    since it was read. `values` are the action's other expression values."""
    if record.revision == 0:  # items written before revisions existed have none
        condition = "attribute_exists(pk) AND (attribute_not_exists(revision) OR revision = :revision)"
    else:
        condition = "revision = :revision"
    return _condition(condition, on_fail, values={":revision": record.revision, **(values or {})})


def not_written_yet(on_fail=None):
    """Condition for creating an item: none with its key exists."""
    return _condition("attribute_not_exists(pk)", on_fail)


def exists(on_fail=None):
    """Condition for updating an item that must be there (an update would otherwise create it)."""
    return _condition("attribute_exists(pk)", on_fail)


def _condition(condition, on_fail, **extra):
    """A condition's keywords for Transaction's actions; `on_fail` is the error its failure raises."""
    return {"condition": condition, **extra, **({"on_fail": on_fail} if on_fail else {})}


_NO_COVER = (
    "SET cover_photo_id = :none, cover_thumbnail_key = :none, cover_sources = :no_sources,"
    " revision = revision + :one"
)


def clear_cover(write, album_id):
    """The album and its admin card lose their cover (its photo left the album or was
    deleted). Conditional on the album existing: an update would otherwise create an item."""
    values = {":none": "", ":no_sources": [], ":one": 1}
    write.update(album_key(album_id), _NO_COVER, **exists(), values=values)
    write.update(album_card_key(album_id), _NO_COVER, **exists(), values=values)
