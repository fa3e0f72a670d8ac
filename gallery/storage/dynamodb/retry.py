"""Retrying transactions that DynamoDB cancelled for a conflict, with jittered backoff.

DynamoDB cancels a transaction with reason TransactionConflict when another transaction (or a
write) touches one of its items at the same moment; nothing of it was written. botocore's retry
modes do not retry that (it is a TransactionCanceledException, not a throttle), so we do: the
same request again after a random pause ("full jitter": uniform between 0 and an exponentially
growing cap), so that the clients that collided do not collide again in step. A retry is safe:
the conditions of the transaction are checked again, so a write that lost the race to a change
fails as PhotoChanged on the retry rather than overwriting it.
"""

import time
from dataclasses import dataclass
from random import random as _uniform

TRANSACTION_CONFLICT = "TransactionConflict"


@dataclass
class Backoff:
    """`attempts` sends at most (the first included); before send n+1 a pause drawn uniformly from
    [0, min(cap, base * 2**n)] seconds. `sleep` and `random` are injectable for tests."""

    attempts: int = 6
    base: float = 0.025
    cap: float = 1.0
    sleep: object = time.sleep
    random: object = _uniform  # a jitter, not a secret: the module's generator is fine

    def delays(self):
        """The pause before each retry: attempts - 1 of them."""
        for retry in range(self.attempts - 1):
            yield self.random() * min(self.cap, self.base * 2**retry)


def conflicted(cancellation_reasons):
    """Whether any action of a cancelled transaction conflicted with another write."""
    return any(reason.get("Code") == TRANSACTION_CONFLICT for reason in cancellation_reasons)
