"""When a photo was taken: the one format, its parser, the timeline's order and months."""

from datetime import UTC, datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gallery.domain import lists, taken
from gallery.domain.records import PhotoCard

_MOMENTS = st.datetimes(min_value=datetime(1900, 1, 1), max_value=datetime(2999, 12, 31))
_OFFSETS = st.none() | st.integers(min_value=-14 * 60, max_value=14 * 60).map(
    lambda minutes: timezone(timedelta(minutes=minutes))
)


@given(_MOMENTS, _OFFSETS)
def test_any_moment_with_or_without_an_offset_is_stored_to_the_second_and_read_back(moment, offset):
    moment = moment.replace(tzinfo=offset)

    stored = taken.normalized(moment.isoformat())

    assert taken.parse(stored) == moment.replace(microsecond=0)
    assert taken.normalized(stored) == stored  # idempotent: the backfill may run again
    assert taken.month(stored) == f"{moment.year:04d}-{moment.month:02d}"
    assert taken.sort_key(stored) == moment.replace(microsecond=0, tzinfo=None).isoformat()


@pytest.mark.parametrize(
    ("text", "stored"),
    [
        ("2024-07-01 18:30", "2024-07-01T18:30:00"),
        ("2024-07-01T18:30:05Z", "2024-07-01T18:30:05+00:00"),
        ("2024-07-01T18:30:05.123+0900", "2024-07-01T18:30:05+09:00"),
        (" 2024-07-01T18:30:05-05:30 ", "2024-07-01T18:30:05-05:30"),
    ],
)
def test_iso_8601_spellings_are_accepted(text, stored):
    assert taken.normalized(text) == stored


@pytest.mark.parametrize(
    "text",
    [
        "",
        "2024",
        "2024-07-01",
        "18:30",
        "2024:07:01 18:30:00",
        "2024-13-01T00:00",
        "2024-07-01T25:00",
        "2024-07-01T18:30+25:00",
        "0000-01-01T00:00",
        "1800-01-01T00:00",
        "tomorrow",
        "2024-07-01T18:30:00 +09:00",
    ],
)
def test_anything_else_is_refused(text):
    with pytest.raises(ValueError):
        taken.normalized(text)


def test_a_card_without_a_date_is_taken_at_its_upload_and_old_exif_text_is_read():
    created = datetime(2026, 3, 4, 5, 6, 7, 890, tzinfo=UTC).isoformat()

    def card(stored):
        return PhotoCard(
            id="a" * 32,
            title="",
            owner_id=1,
            owner_username="u",
            tags=[],
            created=created,
            thumbnail_key="k",
            thumbnail_width=1,
            thumbnail_height=1,
            taken=stored,
        )

    assert taken.effective(card("")) == "2026-03-04T05:06:07+00:00"
    assert taken.effective(card("2024:07:01 18:30:05")) == "2024-07-01T18:30:05"  # stored before
    assert taken.effective(card("2024-07-01T18:30:05+09:00")) == "2024-07-01T18:30:05+09:00"


def test_the_timeline_orders_by_the_photos_own_clock_and_jumps_below_the_next_month():
    assert lists.month_start("2024-07") == "2024-08"
    assert lists.month_start("2024-12") == "2025-01"
    # A key of July 31st, 23:59 sorts below August: the jump to July starts with it.
    assert f"2024-07-31T23:59:59#{'a' * 32}" < lists.month_start("2024-07")
    for wrong in ("2024-7", "2024-00", "2024-13", "July", "0000-01", "2024-07-01"):
        with pytest.raises(ValueError):
            lists.month_start(wrong)
