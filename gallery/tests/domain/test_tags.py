"""gallery.domain.tags: how a typed tag is split, made canonical and checked."""

import pytest

from gallery.domain.tags import canonical_tag, invalid_tags, is_canonical_tag, parse_tags


@pytest.mark.parametrize(
    ("text", "tags"),
    [
        ("Sea, sunset", ["sea", "sunset"]),
        ("  sea   SUNSET,,sea ", ["sea", "sunset"]),
        ("beach\tboats\nbeach", ["beach", "boats"]),
        ("#sunset, ##sea", ["sunset", "sea"]),
        ("", []),
        (" , ,", []),
    ],
)
def test_tags_are_split_trimmed_lower_cased_and_deduplicated(text, tags):
    assert parse_tags(text) == tags


def test_one_spelling_of_a_tag_is_canonical():
    assert canonical_tag("  #Sunset ") == "sunset"
    assert is_canonical_tag("sunset")
    assert not is_canonical_tag("Sunset")
    assert not is_canonical_tag("sea sunset")


@pytest.mark.parametrize("tag", ["a/b", "what?", "100%", "<b>", "c++", "v1.2"])
def test_tags_that_cannot_be_a_url_segment_are_invalid(tag):
    assert invalid_tags(["sea", tag]) == [tag]


def test_tags_of_any_script_are_valid():
    assert invalid_tags(["été", "new-york", "snake_case", "東京"]) == []
