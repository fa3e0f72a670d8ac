"""The browsing rules on their own: which lists a photo is in, tags, titles, who sees which list."""

from dataclasses import replace

import pytest

from gallery.domain import catalog, words
from gallery.domain.catalog import ALL, FEED, PRIVATE, PUBLIC, Photo


def photo(**fields):
    base = Photo(
        id="ab" * 16,
        title="Été à l'Île!",
        owner_id=7,
        owner_username="alice",
        tags=["sea", "boats"],
        created="2026-12-01T10:00:00.000000+00:00",
        thumbnail_key="photos/x/thumb.jpg",
        thumbnail_width=400,
        thumbnail_height=300,
    )
    return replace(base, **fields)


def lists_of(item):
    return {name for name, _ in catalog.list_entries(item)}


def test_a_public_photo_is_in_the_feed_its_owners_lists_its_tags_and_its_word_lists():
    assert lists_of(photo()) == {
        *{ALL, FEED, "OWNER#7", "USER#7", "TAG#sea", "TAG#boats"},
        *{"WORD#et", "WORD#a ", "WORD#l ", "WORD#il"},  # "ete a l ile", "a l ile", "l ile", "ile"
    }


def test_a_private_photo_is_only_in_the_admin_list_and_its_owners_own_list():
    assert lists_of(photo(visibility=PRIVATE)) == {ALL, "OWNER#7"}
    assert catalog.counted_tags(photo(visibility=PRIVATE)) == set()
    assert catalog.counted_tags(photo()) == {"sea", "boats"}


@pytest.mark.parametrize("status", [catalog.PROCESSING, catalog.FAILED])
def test_a_photo_not_ready_is_in_no_list_and_counts_nowhere(status):
    assert lists_of(photo(status=status)) == set()
    assert catalog.counted_tags(photo(status=status)) == set()
    assert catalog.counted_photos(photo(status=status)) == 0 and catalog.counted_photos(photo()) == 1


def test_lists_are_newest_first_by_date_then_id_and_words_sort_by_token():
    entries = catalog.list_entries(photo())
    by_date = f"2026-12-01T10:00:00.000000+00:00#{'ab' * 16}"
    assert dict(entries)[FEED] == by_date
    assert ("WORD#et", f"ete a l ile#{by_date}") in entries
    assert ("WORD#il", f"ile#{by_date}") in entries


def test_a_title_without_letters_or_digits_is_in_no_word_list():
    assert not any(name.startswith("WORD#") for name in lists_of(photo(title="!!! ...")))


def test_a_word_card_is_named_by_its_token_other_cards_by_their_list():
    assert catalog.card_name("WORD#su", "sunset#2026-12-01#ab") == "WORD#sunset"
    assert catalog.card_name("TAG#sea", "2026-12-01#ab") == "TAG#sea"


def test_a_search_shows_a_public_photo_at_its_first_matching_token_only():
    sunny = photo(title="Sunny sunset")
    by_date = f"{sunny.created}#{sunny.id}"
    assert catalog.search_entry(sunny, "sun") == ("WORD#su", f"sunny sunset#{by_date}")
    assert catalog.search_entry(sunny, "suns") == ("WORD#su", f"sunset#{by_date}")
    assert catalog.search_entry(sunny, "moon") is None
    assert catalog.search_entry(replace(sunny, visibility=PRIVATE), "sun") is None
    assert catalog.search_entry(replace(sunny, status=catalog.PROCESSING), "sun") is None


def test_the_owner_sees_their_own_list_and_everyone_else_the_public_one():
    assert catalog.person_list(7, 7) == "OWNER#7"
    assert catalog.person_list(8, 7) == "USER#7"
    assert catalog.person_list(None, 7) == "USER#7"  # anonymous


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
    assert catalog.parse_tags(text) == tags


def test_one_spelling_of_a_tag_is_canonical():
    assert catalog.canonical_tag("  #Sunset ") == "sunset"
    assert catalog.is_canonical_tag("sunset")
    assert not catalog.is_canonical_tag("Sunset")
    assert not catalog.is_canonical_tag("sea sunset")


@pytest.mark.parametrize("tag", ["a/b", "what?", "100%", "<b>", "c++", "v1.2"])
def test_tags_that_cannot_be_a_url_segment_are_invalid(tag):
    assert catalog.invalid_tags(["sea", tag]) == [tag]


def test_tags_of_any_script_are_valid():
    assert catalog.invalid_tags(["été", "new-york", "snake_case", "東京"]) == []


def test_a_photo_names_its_objects():
    item = photo(original_key="photos/x/original.png", display_key="photos/x/display.jpg")
    assert sorted(item.object_keys) == ["photos/x/display.jpg", "photos/x/original.png", "photos/x/thumb.jpg"]
    assert item.card.visibility == PUBLIC and not hasattr(item.card, "description")


@pytest.mark.parametrize(
    ("title", "normalized"),
    [("Été à l'Île!", "ete a l ile"), ("  Two   spaces_and-dash ", "two spaces and dash"), ("!!!", "")],
)
def test_normalize_title(title, normalized):
    assert words.normalize_title(title) == normalized
