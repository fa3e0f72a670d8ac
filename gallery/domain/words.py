"""The words of a title as search finds them: pure text, no Django, no boto3.

A title is normalised (`normalize_title`) and indexed at every place a search may begin: the
start of each word and, in scripts that attach particles to words or write no spaces at all
(Hangul, kana, Han, Thai), every character. The *token* at a place is the rest of the title
from there, cut at TOKEN_LENGTH characters, so a search is one prefix match on tokens:

    "서울의 노을 Seoul sunset" -> "서울의 노을 seoul sunset", "울의 노을 seoul sunset",
                                "의 노을 seoul sunset", "노을 seoul sunset", "을 seoul sunset",
                                "seoul sunset", "sunset"

"seoul", "sun", "노을", "울의" and "seoul sun" each begin one of them. A query is a phrase as typed
(normalised the same way), matched from any of those places: "sunset seoul" does not find it,
and a query without a space does not match across a space of the title.

Bounds, so that a photo's cards fit in its write transactions (gallery.domain.lists): the first
MAX_TOKENS places of the first MAX_INDEXED_TITLE characters. Tokens shorter than MIN_QUERY are
dropped (no query can find them), and so is a token that begins another one (every query that
finds it finds the longer one too: the photo would only be found twice).
"""

import re
import unicodedata

# A query needs this many characters: they name the index partition (gallery.domain.lists.word_list).
MIN_QUERY = 2
# Characters of a token in a sort key (longer queries are checked on the title itself).
TOKEN_LENGTH = 32
# Places indexed per photo; each is a card in the photo's write transactions.
MAX_TOKENS = 20
# Titles are indexed on their first part only.
MAX_INDEXED_TITLE = 100

_NOT_WORD = re.compile(r"[\W_]+")
# Scripts written without spaces between words, or whose particles and endings attach to the
# word (Korean): Thai, Hangul jamo, kana, Hangul compatibility jamo, Han (and extension A,
# compatibility ideographs), Hangul syllables.
_SPACELESS = re.compile(
    "[\u0e00-\u0e7f\u1100-\u11ff\u3040-\u30ff\u3130-\u318f\u3400-\u4dbf\u4e00-\u9fff"
    "\uac00-\ud7a3\uf900-\ufaff\U00020000-\U0002fa1f]"
)
# The kana voicing marks are letters of their own (か is not が), not accents to drop.
_KEPT_MARKS = ("\u3099", "\u309a")


def normalize_title(text):
    """Lower case, accents and punctuation removed, single spaces, composed again (NFC, so Hangul
    stays in syllables): "Été à l'Île!" -> "ete a l ile", "서울의 노을!" -> "서울의 노을"."""
    decomposed = unicodedata.normalize("NFKD", text or "")
    kept = "".join(char for char in decomposed if not unicodedata.combining(char) or char in _KEPT_MARKS)
    plain = unicodedata.normalize("NFC", kept)  # before the marks would count as punctuation
    return unicodedata.normalize("NFC", _NOT_WORD.sub(" ", plain.casefold()).strip())[:MAX_INDEXED_TITLE]


def _spaceless(char):
    return bool(_SPACELESS.match(char))


def _starts(text):
    """Where a search may begin in a normalised title: the first character of each word, every
    character of a spaceless script, and the first character after one ("서울2026": 서, 울, 2)."""
    starts = []
    for index, char in enumerate(text):
        previous = text[index - 1] if index else " "
        if char != " " and (previous == " " or _spaceless(char) or _spaceless(previous)):
            starts.append(index)
    return starts


def title_tokens(title):
    """The tokens a title is indexed under, in title order: at most MAX_TOKENS, distinct, none
    shorter than MIN_QUERY, none the beginning of another."""
    text = normalize_title(title)
    tokens = []
    for start in _starts(text):
        token = text[start : start + TOKEN_LENGTH].rstrip()
        if len(token) >= MIN_QUERY and token not in tokens:
            tokens.append(token)
    tokens = tokens[:MAX_TOKENS]  # capped first, so a pruned token's longer one is indexed
    return [token for token in tokens if not any(o.startswith(token) for o in tokens if o != token)]


def search_query(text):
    """The normalised query; ValueError when it is shorter than MIN_QUERY characters."""
    query = normalize_title(text)
    if len(query) < MIN_QUERY:
        raise ValueError(f"at least {MIN_QUERY} characters are needed")
    return query


def query_key(query):
    """What the tokens of a match begin with: the normalised query, cut as tokens are."""
    return query[:TOKEN_LENGTH].rstrip()


def first_match(title, query):
    """The token a search for `query` (normalised) finds the title at, or None: of the title's
    tokens that begin with the query's key, the first in sort order, and only when the whole
    query begins at one of the title's places (a query longer than a token). A photo is shown
    at this one token, so it appears once in the results however many of its tokens match."""
    key = query_key(query)
    matching = [token for token in title_tokens(title) if token.startswith(key)]
    if not matching:
        return None
    if len(query) > len(key):
        text = normalize_title(title)
        if not any(text.startswith(query, start) for start in _starts(text)):
            return None
    return min(matching)
