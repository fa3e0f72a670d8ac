"""A short, seeded run of scripts/fuzz_images.py: malformed files only ever raise InvalidImage."""

from scripts.fuzz_images import fuzz


def test_no_mutated_file_escapes_as_anything_but_invalid_image():
    outcomes, escaped = fuzz(iterations=150, seed=7)

    assert dict(escaped) == {}
    # The mutations exercise both paths: some files survive, most are refused.
    assert sum(count for (_, outcome), count in outcomes.items() if outcome == "accepted") > 50
    assert sum(count for (_, outcome), count in outcomes.items() if outcome == "refused") > 300
