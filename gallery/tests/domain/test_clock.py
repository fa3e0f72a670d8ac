"""gallery.domain.clock: the one clock, and the text of an instant on a record."""

from datetime import UTC, datetime, timedelta

import pytest

from gallery.domain import clock

# Around a second, a leap day, a new year, a far year: wherever the digits of the text roll over.
INSTANTS = [
    datetime(2026, 12, 31, 23, 59, 59, 999_999, tzinfo=UTC),
    datetime(2028, 2, 28, 23, 59, 59, tzinfo=UTC),
    datetime(2030, 9, 9, 9, 9, 9, 9, tzinfo=UTC),
    datetime(2999, 1, 1, tzinfo=UTC),
]
STEPS = [timedelta(microseconds=1), timedelta(seconds=1), timedelta(days=1), timedelta(days=3650)]


def test_a_timestamp_is_utc_to_the_microsecond():
    moment = datetime(2026, 12, 1, 10, 0, 0, tzinfo=UTC)
    assert clock.timestamp(lambda: moment) == "2026-12-01T10:00:00.000000+00:00"


def test_a_record_is_stamped_by_the_replaced_clock(monkeypatch):
    moment = datetime(2030, 5, 6, 7, 8, 9, 10, tzinfo=UTC)
    monkeypatch.setattr("gallery.domain.clock.now", lambda: moment)
    assert clock.timestamp() == "2030-05-06T07:08:09.000010+00:00"


@pytest.mark.parametrize("earlier", INSTANTS)
@pytest.mark.parametrize("step", STEPS)
def test_text_order_is_time_order(earlier, step):
    later = earlier + step
    assert clock.timestamp(lambda: earlier) < clock.timestamp(lambda: later)
