"""A comment as HTML: its text escaped, its links made clickable (Django's urlize, rel "nofollow
ugc") and its @mentions of users linked to their pages. The only place a comment becomes HTML:
every page (the photo page, a shared album's photo, the admin) renders it with this."""

import re

from django.utils.html import format_html, urlize
from django.utils.safestring import mark_safe
from django.utils.text import normalize_newlines

from gallery.domain.comments import MENTION
from gallery.web.links import user_url

# The anchors urlize made: the user's text is escaped, so nothing else in it is a tag.
_ANCHOR = re.compile(r"(<a [^>]*>.*?</a>)", re.DOTALL)


def comment_html(comment):
    linked = urlize(comment.text, nofollow=True, autoescape=True)
    linked = linked.replace(' rel="nofollow"', ' rel="nofollow ugc"')
    names = set(comment.mentions)
    parts = [
        part if _ANCHOR.fullmatch(part) else MENTION.sub(lambda match: _mention(match, names), part)
        for part in _ANCHOR.split(linked)
    ]
    # The text is escaped (autoescape), the anchors are urlize's and ours: safe to mark.
    return mark_safe(normalize_newlines("".join(parts)).replace("\n", "<br>"))  # noqa: S308


def _mention(match, names):
    name = match["name"]
    if name not in names:
        return match.group(0)
    return format_html('<a class="mention" href="{}">@{}</a>', user_url(name), name)
