"""Tags: the canonical form of a tag as typed, the old (lower-case only) rule, and which
characters a tag may hold. Which list a tag page reads is gallery.domain.lists.tag_list_for."""

import re
import unicodedata

_TAG_SEPARATORS = re.compile(r"[,\s]+")
# Letters and digits of any script, "_" and "-": a tag is safe in a URL path, a DynamoDB key
# and a page without any escaping (no "/", "..", "<", "#", "?", "%").
_TAG = re.compile(r"[\w-]+")


def canonical_tag(raw):
    """A tag as stored and linked: trimmed, without a hashtag's "#", compatibility-folded (NFKC:
    full-width "\uff33\uff35\uff2e..." is "SUN..."), case-folded, composed (NFC): "Café" typed with a
    combining accent and with "é" are one tag, and so are "STRASSE" and "straße"."""
    # "#" is stripped after NFKC, so a full-width one goes too.
    folded = unicodedata.normalize("NFKC", raw).strip().lstrip("#").casefold()
    return unicodedata.normalize("NFC", folded)


def legacy_tag(raw):
    """The tag as it was stored before canonical_tag folded Unicode (lower case only)."""
    return raw.strip().lstrip("#").lower()


def parse_tags(text):
    """Split on commas and white space; canonical form; de-duplicated, keeping first-seen order."""
    tags = []
    for raw in _TAG_SEPARATORS.split(text or ""):
        tag = canonical_tag(raw)
        if tag and tag not in tags:
            tags.append(tag)
    return tags


def is_canonical_tag(text):
    """True for the one spelling of a tag that has a page (lower case, no separators)."""
    return parse_tags(text) == [text]


def has_tag_page(text):
    """True for the spellings that have a page: the canonical one, and an old-rule one."""
    return is_canonical_tag(text) or (
        bool(text) and text == legacy_tag(text) and not _TAG_SEPARATORS.search(text) and "#" not in text
    )


def invalid_tags(tags):
    """The tags that hold characters other than letters (with their combining marks: "i̇stanbul"
    is what case-folding "İstanbul" gives), digits, "_" and "-", or that mix scripts."""
    return [tag for tag in tags if not all(map(_is_tag_character, tag)) or _mixes_confusable_scripts(tag)]


def _is_tag_character(char):
    return bool(_TAG.fullmatch(char)) or unicodedata.category(char).startswith("M")


# Latin, Greek and Cyrillic share look-alike letters ("paypal" spelt with Cyrillic "\u0440" and "\u0430"): a
# tag may use one of them only. Other mixes are real words (Japanese mixes kanji and kana).
_CONFUSABLE_SCRIPTS = ("LATIN", "GREEK", "CYRILLIC")


def _mixes_confusable_scripts(tag):
    scripts = {
        unicodedata.name(char, "").split(" ")[0] for char in tag if char.isalpha() and not char.isascii()
    }
    if any(char.isascii() and char.isalpha() for char in tag):
        scripts.add("LATIN")
    return len(scripts & set(_CONFUSABLE_SCRIPTS)) > 1
