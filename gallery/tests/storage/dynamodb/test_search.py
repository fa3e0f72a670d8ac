"""gallery.storage.dynamodb.search: word search on the word lists, one Query a page, each photo once;
and the worst photo's transactions with its word cards; against moto over HTTP."""

import pytest

from gallery.domain import lists, records, words
from gallery.domain.records import PRIVATE, PROCESSING
from gallery.storage.dynamodb import InvalidCursor, album_repository, get_connection, schema
from gallery.tests.factories import make_album, make_photo


def titles(page):
    return [card.title for card in page.items]


def put(table, *titles_, **fields):
    photos = [make_photo(number, title=title, **fields) for number, title in enumerate(titles_, 1)]
    for photo in photos:
        table.put_photo(photo)
    return photos


def test_words_anywhere_in_a_title_are_found_korean_included(table):
    put(table, "서울의 노을 Seoul sunset", "서울의노을", "Harbour")

    assert titles(table.search_titles("seoul")) == ["서울의 노을 Seoul sunset"]
    assert titles(table.search_titles("노을")) == ["서울의 노을 Seoul sunset", "서울의노을"]
    assert titles(table.search_titles("울의")) == ["서울의 노을 Seoul sunset", "서울의노을"]
    assert titles(table.search_titles("SUN")) == ["서울의 노을 Seoul sunset"]  # a word in the middle
    assert titles(table.search_titles("Seoul sun")) == ["서울의 노을 Seoul sunset"]  # a phrase
    assert table.search_titles("sunset seoul").items == []
    assert table.search_titles("arbour").items == []  # Latin words match from their start


def test_search_matches_normalised_words_in_the_order_of_the_matching_words(table):
    put(table, "Sunset over Été", "sunday market", "Sun", "Moonrise", "su")

    assert titles(table.search_titles("SUN")) == ["Sun", "sunday market", "Sunset over Été"]
    assert titles(table.search_titles("sunset over ete")) == ["Sunset over Été"]
    assert titles(table.search_titles("ete")) == ["Sunset over Été"]
    assert titles(table.search_titles("market")) == ["sunday market"]
    assert table.search_titles("sky").items == []
    with pytest.raises(ValueError):
        table.search_titles("s")


def test_private_and_unfinished_photos_never_match(table):
    table.put_photo(make_photo(1, title="Secret sunset", visibility=PRIVATE))
    table.put_photo(make_photo(2, title="Sunset uploading", status=PROCESSING))

    assert table.search_titles("sunset").items == []
    assert table.search_titles("secret").items == []


def test_an_edit_removes_the_old_matches_and_adds_the_new_and_a_delete_removes_them(table):
    (photo,) = put(table, "Harbour at dusk")

    table.update_photo(photo.id, title="Mountain lake")

    assert table.search_titles("harb").items == [] and table.search_titles("dusk").items == []
    assert titles(table.search_titles("lake")) == ["Mountain lake"]
    table.update_photo(photo.id, visibility=PRIVATE)
    assert table.search_titles("lake").items == []
    table.update_photo(photo.id, visibility=records.PUBLIC)
    table.delete_photo(photo.id)
    assert table.search_titles("lake").items == []


def test_a_page_is_one_query(table, dynamodb_calls):
    put(table, *[f"Sunny sunset {number}" for number in range(30)])
    dynamodb_calls.clear()

    first = table.search_titles("sun", limit=10)
    table.search_titles("sun", cursor=first.next_cursor, limit=10)

    assert dynamodb_calls == ["Query", "Query"]


def test_photos_matching_at_one_token_fill_whole_pages(table):
    put(table, *[f"Sun {number}" for number in range(1, 6)])

    first = table.search_titles("sun", limit=2)
    second = table.search_titles("sun", cursor=first.next_cursor, limit=2)
    third = table.search_titles("sun", cursor=second.next_cursor, limit=2)

    assert titles(first) + titles(second) + titles(third) == [f"Sun {n}" for n in range(1, 6)]
    assert third.next_cursor is None
    with pytest.raises(InvalidCursor):
        table.search_titles("sun 5", cursor=first.next_cursor)


@pytest.mark.parametrize("limit", [1, 2, 3, 5])
def test_pages_never_repeat_nor_skip_a_photo_that_matches_several_times(table, limit):
    # Each title has 2 or 3 tokens starting with "sun", interleaved with other photos' tokens.
    put(table, "sun1 sun2 sun3", "sunny sunset", "sunset", "sunday sun9", "Sun", "sun1 sun2", "suntan")

    shown, cursor, pages = [], None, 0
    while True:
        page = table.search_titles("sun", cursor=cursor, limit=limit)
        assert len(page.items) <= limit
        shown += [card.id for card in page.items]
        pages += 1
        cursor = page.next_cursor
        if cursor is None:
            break
        assert pages < 30

    assert sorted(shown) == sorted(make_photo(n).id for n in range(1, 8))  # each once, none missed


def test_the_neighbours_in_a_search_skip_repeats_and_stay_within_the_matches(table):
    photos = put(table, "Harbour", "Harbor lights harbour", "Hare", "Harvest")
    query = words.search_query("harb")

    def around(photo):
        _, sort_key = lists.search_entry(photo, query)
        previous, next_ = table.search_neighbours("harb", sort_key)
        return previous and previous.title, next_ and next_.title

    # Results: "harbor lights harbour" (2), "harbour" (1); photo 2's "harbour" token is a repeat.
    assert titles(table.search_titles("harb")) == ["Harbor lights harbour", "Harbour"]
    assert around(photos[0]) == ("Harbor lights harbour", None)  # "hare" is after, but not "harb"
    assert around(photos[1]) == (None, "Harbour")


def test_the_worst_photo_writes_stay_within_a_transaction(table):
    """20 tags, 20 search tokens, in 10 albums and the cover of each, stored before word cards
    (with a TITLE# card): its edit replacing every tag and token, and its delete, each fit in
    one transaction of at most 100 actions (lists.MAX_ALBUMS_PER_PHOTO)."""
    old_title = " ".join(f"a{number:02d}" for number in range(30))
    new_title = " ".join(f"b{number:02d}" for number in range(30))
    photo = make_photo(1, title=old_title, tags=[f"t{number}" for number in range(20)])
    table.put_photo(photo)
    legacy = {"pk": schema.photo_pk(photo.id), "sk": "LIST#TITLE#a0", "list_pk": "TITLE#a0"}
    get_connection().table.put_item(Item={**legacy, "list_sk": f"a00#{photo.created}#{photo.id}"})
    albums = album_repository()
    for number in range(1, lists.MAX_ALBUMS_PER_PHOTO + 1):
        album = make_album(number)
        albums.create_album(album)
        albums.add_photo(album, table.get_photo(photo.id))
        _, memberships = albums.photo_memberships(photo.id)
        albums.set_cover(albums.get_album(album.id), table.get_photo(photo.id), memberships[album.id])
    sizes = []
    events = get_connection().client.meta.events

    def capture(params, **kwargs):
        sizes.append(len(params["TransactItems"]))

    events.register("provide-client-params.dynamodb.TransactWriteItems", capture)
    try:
        table.update_photo(photo.id, title=new_title, tags=[f"u{number}" for number in range(20)])
        table.delete_photo(photo.id)
    finally:
        events.unregister("provide-client-params.dynamodb.TransactWriteItems", capture)

    # Edit: photo + 45 cards + 41 deletes (20 tags, 20 tokens, TITLE#) + 10 entries.
    # Delete: photo + 45 cards + 10 x (entry, membership) + 10 x 2 cover updates + FANS.
    assert sizes == [97, 87]
    assert max(sizes) <= 100
