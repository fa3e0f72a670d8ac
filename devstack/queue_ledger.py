"""SQS in the recording: a message deleted (a finished job) is never sent again by a replay.

A DeleteMessage names a receipt handle, which only the server that handed the message out knows:
replayed as recorded, it fails ("failed again"), and the job it finished is delivered again at
every start. So the recording names messages by their *origin*, the MessageId the first answer
to their SendMessage gave:

- a SendMessage's entry keeps that MessageId (`sqs_message_id`);
- the answers to ReceiveMessage tell which message a receipt handle belongs to (kept in memory
  for the server's life; a handle is only good on the server that gave it);
- a DeleteMessage(Batch)'s entry lists the origins of the messages it deleted (`sqs_deleted`);
- a replay first collects the deleted origins, then skips their SendMessages and replays no
  delete and no visibility change (receipt handles of an earlier server). A message sent again by
  a replay gets a new MessageId, which is mapped back to its origin for the deletes to come.

Messages never deleted come back after a restart (jobs are idempotent). A recording made before
`sqs_message_id` existed names such a message by a hash of its entry. JSON protocol only (boto3's
for SQS); a SendMessageBatch is replayed whole.
"""

import hashlib
import json
import threading

from devstack.recording import split_line

_SQS = "AmazonSQS."
SEND, RECEIVE = _SQS + "SendMessage", _SQS + "ReceiveMessage"
DELETE, DELETE_BATCH = _SQS + "DeleteMessage", _SQS + "DeleteMessageBatch"
NOT_REPLAYED = {
    DELETE,
    DELETE_BATCH,
    _SQS + "ChangeMessageVisibility",
    _SQS + "ChangeMessageVisibilityBatch",
}
DELETED_FIELD = "sqs_deleted"


def target_of(entry):
    headers = {name.lower(): value for name, value in (entry.get("headers") or {}).items()}
    return headers.get("x-amz-target", "")


def origin_of(entry):
    """The name a recorded SendMessage's message keeps across replays."""
    recorded = entry.get("sqs_message_id")
    if recorded:
        return recorded
    return "entry-sha256:" + hashlib.sha256(json.dumps(entry, sort_keys=True).encode()).hexdigest()


def _json(data):
    try:
        value = json.loads(data or b"{}")
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


def deleted_origins(path, start=0):
    """Every origin a delete in the recording (from byte `start`) names (a cheap pass: only lines
    naming one are parsed)."""
    found = set()
    marker = f'"{DELETED_FIELD}"'.encode()
    with open(path, "rb") as recording:
        recording.seek(start)
        for line in recording:
            if marker in line:
                for entry in split_line(line.decode("utf-8", errors="replace"))[0]:
                    found.update(entry.get(DELETED_FIELD) or [])
    return found


class QueueLedger:
    """The messages of one server: receipt handle -> MessageId, and MessageId -> origin for the
    messages a replay sent again."""

    def __init__(self, deleted=()):
        self.deleted = set(deleted)
        self._message_of_handle = {}
        self._origin_of_message = {}
        self._lock = threading.Lock()  # ReceiveMessage answers outside the server's request lock

    # --- a live server ------------------------------------------------------------------------------
    def note_answer(self, target, request, answer, entry=None):
        """Learn from a successful SQS answer; add to its entry (if recorded) what a replay needs."""
        if target == SEND and entry is not None:
            entry["sqs_message_id"] = _json(answer).get("MessageId")
        elif target == RECEIVE:
            with self._lock:
                for message in _json(answer).get("Messages") or []:
                    self._message_of_handle[message.get("ReceiptHandle")] = message.get("MessageId")
        elif target in (DELETE, DELETE_BATCH) and entry is not None:
            entry[DELETED_FIELD] = self._deleted(target, _json(request), _json(answer))

    def _deleted(self, target, request, answer):
        if target == DELETE:
            handles = [request.get("ReceiptHandle")]
        else:
            done = {result.get("Id") for result in answer.get("Successful") or []}
            entries = request.get("Entries") or []
            handles = [each.get("ReceiptHandle") for each in entries if each.get("Id") in done]
        with self._lock:
            messages = [self._message_of_handle.pop(handle, None) for handle in handles]
            return [self._origin_of_message.pop(message, message) for message in messages if message]

    # --- a snapshot (devstack/snapshot.py) ------------------------------------------------------
    def origins(self):
        """MessageId -> origin of the messages a replay sent again (kept in a snapshot)."""
        with self._lock:
            return dict(self._origin_of_message)

    def restore_origins(self, origins):
        with self._lock:
            self._origin_of_message.update(origins)

    # --- a replay ---------------------------------------------------------------------------------
    def replays(self, entry):
        """Whether a recorded entry is sent again (False: a delete, or a send of a deleted message)."""
        target = target_of(entry)
        if target in NOT_REPLAYED:
            return False
        return not (target == SEND and origin_of(entry) in self.deleted)

    def sent_again(self, entry, answer):
        """A replayed SendMessage's new MessageId stands for its origin from now on."""
        if target_of(entry) == SEND:
            message = _json(answer).get("MessageId")
            if message:
                self._origin_of_message[message] = origin_of(entry)
