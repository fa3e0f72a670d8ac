"""gallery.domain.lists on its own: which lists a photo is in, titles, who sees which list."""

from dataclasses import replace

import pytest

from gallery.domain import lists, records, words
from gallery.domain.lists import ALL, FEED
from gallery.domain.records import PRIVATE, Photo


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
    return {name for name, _ in lists.list_entries(item)}


def test_a_public_photo_is_in_the_feed_its_owners_lists_its_tags_and_its_word_lists():
    assert lists_of(photo()) == {
        *{ALL, FEED, "OWNER#7", "TAKEN#7", "USER#7", "TAG#sea", "TAG#boats"},
        *{"WORD#et", "WORD#a ", "WORD#l ", "WORD#il"},  # "ete a l ile", "a l ile", "l ile", "ile"
    }


def test_a_private_photo_is_only_in_the_admin_list_and_its_owners_own_list():
    assert lists_of(photo(visibility=PRIVATE)) == {ALL, "OWNER#7", "TAKEN#7"}
    assert lists.counted_tags(photo(visibility=PRIVATE)) == set()
    assert lists.counted_tags(photo()) == {"sea", "boats"}


@pytest.mark.parametrize("status", [records.PROCESSING, records.FAILED])
def test_a_photo_not_ready_is_in_no_list_and_counts_nowhere(status):
    assert lists_of(photo(status=status)) == set()
    assert lists.counted_tags(photo(status=status)) == set()
    assert lists.counted_photos(photo(status=status)) == 0 and lists.counted_photos(photo()) == 1


def test_lists_are_newest_first_by_date_then_id_and_words_sort_by_token():
    entries = lists.list_entries(photo())
    by_date = f"2026-12-01T10:00:00.000000+00:00#{'ab' * 16}"
    assert dict(entries)[FEED] == by_date
    assert ("WORD#et", f"ete a l ile#{by_date}") in entries
    assert ("WORD#il", f"ile#{by_date}") in entries


def test_a_title_without_letters_or_digits_is_in_no_word_list():
    assert not any(name.startswith("WORD#") for name in lists_of(photo(title="!!! ...")))


def test_a_word_card_is_named_by_its_token_other_cards_by_their_list():
    assert lists.card_name("WORD#su", "sunset#2026-12-01#ab") == "WORD#sunset"
    assert lists.card_name("TAG#sea", "2026-12-01#ab") == "TAG#sea"


def test_a_search_shows_a_public_photo_at_its_first_matching_token_only():
    sunny = photo(title="Sunny sunset")
    by_date = f"{sunny.created}#{sunny.id}"
    assert lists.search_entry(sunny, "sun") == ("WORD#su", f"sunny sunset#{by_date}")
    assert lists.search_entry(sunny, "suns") == ("WORD#su", f"sunset#{by_date}")
    assert lists.search_entry(sunny, "moon") is None
    assert lists.search_entry(replace(sunny, visibility=PRIVATE), "sun") is None
    assert lists.search_entry(replace(sunny, status=records.PROCESSING), "sun") is None


def test_the_owner_sees_their_own_list_and_everyone_else_the_public_one():
    assert lists.person_list(7, 7) == "OWNER#7"
    assert lists.person_list(8, 7) == "USER#7"
    assert lists.person_list(None, 7) == "USER#7"  # anonymous


@pytest.mark.parametrize(
    ("title", "normalized"),
    [("Été à l'Île!", "ete a l ile"), ("  Two   spaces_and-dash ", "two spaces and dash"), ("!!!", "")],
)
def test_normalize_title(title, normalized):
    assert words.normalize_title(title) == normalized
