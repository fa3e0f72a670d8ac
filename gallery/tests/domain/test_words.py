"""gallery.domain.words: where a title can be found from, on its own (no table)."""

import pytest

from gallery.domain import words


@pytest.mark.parametrize(
    ("title", "normalized"),
    [
        ("Été à l'Île!", "ete a l ile"),
        ("서울의 노을!", "서울의 노을"),  # composed again: syllables, not jamo
        ("\uff33\uff35\uff2e\u3000\uff33\uff45\uff54", "sun set"),  # full-width "SUN Set"
        ("がっこう", "がっこう"),  # kana voicing marks are letters here, not accents
    ],
)
def test_titles_are_normalised_with_hangul_kept_in_syllables(title, normalized):
    assert words.normalize_title(title) == normalized


def test_a_title_is_indexed_from_each_word_and_from_each_hangul_character():
    assert words.title_tokens("서울의 노을 Seoul sunset") == [
        "서울의 노을 seoul sunset",
        "울의 노을 seoul sunset",
        "의 노을 seoul sunset",
        "노을 seoul sunset",
        "을 seoul sunset",
        "seoul sunset",
        "sunset",
    ]
    assert words.title_tokens("서울의노을") == ["서울의노을", "울의노을", "의노을", "노을"]
    assert words.title_tokens("東京タワー") == ["東京タワー", "京タワー", "タワー", "ワー"]
    assert words.title_tokens("서울2026") == ["서울2026", "울2026", "2026"]


def test_tokens_are_bounded_in_length_and_number_and_none_begins_another():
    assert words.title_tokens("x" * 300) == ["x" * words.TOKEN_LENGTH]
    many = " ".join(f"w{number:02d}" for number in range(40))
    assert len(words.title_tokens(many)) == words.MAX_TOKENS
    assert words.title_tokens(many)[-1].startswith("w19")  # the first ones are kept
    assert words.title_tokens("sun sun") == ["sun sun"]  # "sun" would only find it twice
    assert words.title_tokens("a b c") == ["a b c", "b c"]  # "c" is shorter than any query
    assert words.title_tokens("!!!") == []


@pytest.mark.parametrize(
    ("title", "query", "token"),
    [
        ("서울의 노을 Seoul sunset", "seoul", "seoul sunset"),
        ("서울의 노을 Seoul sunset", "노을", "노을 seoul sunset"),
        ("서울의 노을 Seoul sunset", "sun", "sunset"),  # the start of a word in the middle
        ("서울의 노을 Seoul sunset", "seoul sun", "seoul sunset"),  # a phrase as typed
        ("서울의노을", "울의", "울의노을"),  # inside a Hangul run, no space needed
        ("Sunny sunset", "sun", "sunny sunset"),  # two match: the first in sort order
        ("Sunny sunset", "suns", "sunset"),
    ],
)
def test_a_query_finds_a_title_at_one_token(title, query, token):
    assert words.first_match(title, words.search_query(query)) == token


@pytest.mark.parametrize(
    ("title", "query"),
    [
        ("서울의 노을 Seoul sunset", "sunset seoul"),  # not in that order
        ("Harbour", "arbour"),  # not the start of a word (Latin)
        ("서울의 노을", "서울의노을"),  # not across the title's space
        ("a" * 40 + " x", "a" * 40 + " y"),  # longer than a token: the rest is checked too
    ],
)
def test_a_query_that_does_not_begin_at_a_place_of_the_title_finds_nothing(title, query):
    assert words.first_match(title, words.search_query(query)) is None


def test_a_query_needs_two_characters():
    with pytest.raises(ValueError):
        words.search_query(" s! ")
    assert words.search_query("노을") == "노을"
