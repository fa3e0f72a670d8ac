"""Title search on the word lists: one Query a page, each photo once.

A photo has a card per search token (gallery.domain.words) in WORD#<2 chars>, sort key
<token>#<created>#<id>; a search for "sun" is one Query of WORD#su with begins_with(list_sk,
"sun"), in token order. Two tokens of one photo can both match ("sunny sunset"): the photo is
shown at the first of them only (gallery.domain.words.first_match, read from the card's own title), so
it appears once in the whole result, on whichever page, never twice and never on two pages.

The cost: a page reads up to READ_FACTOR times its size and drops the repeats, so a page can be
a little shorter than the others (when its photos have several matching tokens), and the rare
page with nothing but repeats is empty with a link to the next. The cursor is the key of the
last card read (not shown): the next page starts right after what this one looked at, so
nothing is skipped and nothing comes twice.
"""

from boto3.dynamodb.conditions import Key

from gallery.domain import words
from gallery.domain.lists import word_list
from gallery.domain.records import Page
from gallery.storage.dynamodb import schema
from gallery.storage.dynamodb.connection import get_connection, translate_errors
from gallery.storage.dynamodb.cursor import decode_cursor, encode_cursor

# Cards read per card shown, at most: room for repeats without a second Query.
READ_FACTOR = 2
# Cards read each way for the viewer's previous and next (repeats skipped).
NEIGHBOUR_READ = 8


def search_page(text, *, cursor=None, limit=24):
    """Public photos with a title matching `text` (gallery.domain.words), in token order: one Query.
    ValueError for fewer than words.MIN_QUERY characters."""
    query = words.search_query(text)
    key = words.query_key(query)
    list_name = word_list(key)
    request = {
        "IndexName": schema.LISTS_INDEX,
        "KeyConditionExpression": Key("list_pk").eq(list_name) & Key("list_sk").begins_with(key),
        "ScanIndexForward": True,
        "Limit": READ_FACTOR * limit + 1,
    }
    if cursor:
        request["ExclusiveStartKey"] = decode_cursor(cursor, list_name, key)
    with translate_errors():
        response = get_connection().table.query(**request)
    shown, last = [], None
    for item in response["Items"]:
        if _shown_here(item, query):
            if len(shown) == limit:  # one more to show: there is a next page
                return Page(items=shown, next_cursor=_cursor(last))
            shown.append(schema.card_from_item(item))
        last = item
    more = "LastEvaluatedKey" in response
    return Page(items=shown, next_cursor=_cursor(last) if more and last else None)


def search_neighbours(text, sort_key):
    """(previous, next) card of the card at `sort_key` in the results of a search for `text`,
    as its pages show them (repeats skipped), None at either end: one Query each way."""
    query = words.search_query(text)
    return _adjacent(query, sort_key, greater=False), _adjacent(query, sort_key, greater=True)


def _adjacent(query, sort_key, *, greater):
    key = words.query_key(query)
    side = Key("list_sk").gt(sort_key) if greater else Key("list_sk").lt(sort_key)
    with translate_errors():
        items = get_connection().table.query(
            IndexName=schema.LISTS_INDEX,
            KeyConditionExpression=Key("list_pk").eq(word_list(key)) & side,
            ScanIndexForward=greater,
            Limit=NEIGHBOUR_READ,
        )["Items"]
    for item in items:
        if not item["list_sk"].startswith(key):  # the matches are contiguous: the end of them
            return None
        if _shown_here(item, query):
            return schema.card_from_item(item)
    return None  # only repeats within reach: no link rather than a second Query


def _shown_here(item, query):
    """Whether the results show the card's photo at this card (its first matching token)."""
    return item["list_sk"].split("#", 1)[0] == words.first_match(item["title"], query)


def _cursor(item):
    return encode_cursor({name: item[name] for name in schema.LIST_KEY_ATTRIBUTES})
