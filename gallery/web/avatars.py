"""Avatars on pages: the person's picture beside their name (their page, comments, the header),
the default picture when they have none. URLs from gallery.services.avatars; one SQL query and
one cache round trip for a whole comments page."""

from django.templatetags.static import static
from django.utils.html import format_html

from gallery.imaging.avatar import SIZES
from gallery.services import avatars

DEFAULT = "img/avatar.svg"
LARGE, SMALL = SIZES  # 256 px: the person's page; 64 px: beside a name (shown at 32 or 128 CSS px)


def avatar_img(url, shown=32):
    """The <img> of an avatar (`url` None: the default). Beside a name it says nothing more:
    empty alt, so a screen reader reads the name once."""
    return format_html(
        '<img class="avatar" src="{}" width="{}" height="{}" alt="" loading="lazy">',
        url or static(DEFAULT),
        shown,
        shown,
    )


def avatar_of(user, shown=32):
    """`{% avatar_of user %}`: a signed-in user's small avatar (the header)."""
    if not getattr(user, "is_authenticated", False):
        return ""
    return avatar_img(avatars.url(user.pk, avatars.version_of(user), SMALL), shown)


def author_avatars(comments):
    """`{% author_avatars comments.items as pictures %}`: {author id: small avatar URL or None}."""
    return avatars.small_urls({comment.author_id for comment in comments})


def avatar_in(pictures, user_id, shown=32):
    """`{% avatar_in pictures comment.author_id %}`: the <img> of one author of `author_avatars`."""
    return avatar_img(pictures.get(user_id), shown)
