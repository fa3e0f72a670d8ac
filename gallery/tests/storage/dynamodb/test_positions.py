"""gallery.storage.dynamodb.positions: positions keep the album's order through any insertions."""

import random

import pytest

from gallery.storage.dynamodb.positions import after, between


def test_appended_positions_sort_in_order_and_stay_short():
    positions, last = [], None
    for _ in range(1000):
        last = after(last)
        positions.append(last)

    assert positions == sorted(positions)
    assert {len(position) for position in positions} == {7}


def test_a_position_fits_between_any_two_through_random_insertions():
    positions = [after(None)]
    rng = random.Random(14)  # noqa: S311 - a repeatable sequence, not a secret
    for _ in range(2000):
        index = rng.randrange(len(positions) + 1)
        before = positions[index - 1] if index else ""
        later = positions[index] if index < len(positions) else None
        new = between(before, later)
        assert before < new and (later is None or new < later)
        positions.insert(index, new)

    assert positions == sorted(positions)
    assert max(len(position) for position in positions) < 20


def test_moving_to_the_front_again_and_again_always_finds_room():
    first = after(None)
    for _ in range(100):
        new = between("", first)
        assert new < first and not new.endswith("0")
        first = new


def test_between_refuses_an_empty_range():
    with pytest.raises(ValueError):
        between("000002V", "000001V")
