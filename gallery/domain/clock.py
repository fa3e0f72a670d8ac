"""The one clock of the records: what time it is, and how an instant is written on a record.

`created`, `updated` and a favourite's time are this text: ISO 8601 in UTC to the microsecond,
so that text order is time order (list sort keys start with it). Tests move time by replacing
`now` (monkeypatch "gallery.domain.clock.now") or by passing their own clock where a use case
takes one.
"""

from datetime import UTC, datetime


def now():
    """The current instant, in UTC."""
    return datetime.now(UTC)


def timestamp(clock=None):
    """The instant `clock()` gives (by default now()) as records store it."""
    return (clock or now)().isoformat(timespec="microseconds")
