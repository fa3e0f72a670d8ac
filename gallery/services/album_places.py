"""An album as a list the photo viewer steps through (gallery.services.navigation): in album
order, with only the photos this viewer sees in the album's page (gallery.domain.lists.album_cards).

Two ways in: the album's own page links its photos with ?from=album:<id> (the owner, or anyone
for a public album), and an album's share link has its own photo pages, whose previous and next
stay within that link (never the photo's own page, which may be private, never another album).
"""

import re

from django.urls import reverse
from django.utils.translation import gettext as _

from gallery.domain import access, lists
from gallery.domain.ids import PATTERN as ID_PATTERN
from gallery.services import albums, navigation
from gallery.storage.dynamodb import AlbumNotFound, album_repository


def album_source(album, *, insider, link, url, token=None, membership=None):
    """The Source of `album` for a viewer: `insider` sees every photo of it (the owner, or
    through the share link), anyone else its public ones; `link(photo_id)` is a step's page;
    `membership`, when read already, the photo's place in the album."""

    def keep(card):
        return bool(lists.album_cards([card], insider=insider))

    def sort_key(photo):
        if photo.trashed_at:  # in the trash: in no album's page
            return None
        return album_repository().entry_sort_key(album.id, photo.id, membership)

    return navigation.Source(
        token=token,
        label=_("Album “%(title)s”") % {"title": album.title},
        url=url,
        list_name=f"album:{album.id}",
        sort_key=sort_key,
        neighbours=lambda key: album_repository().adjacent_cards(album.id, key, keep),
        link=link,
    )


@navigation.source_kind(navigation.ALBUM)
def _album(value, viewer):
    """?from=album:<id> on a photo's own page: the album when the viewer may see it at its own URL."""
    if not re.fullmatch(ID_PATTERN, value):
        return None
    try:
        album = access.require_album_view(viewer, album_repository().get_album(value))
    except (AlbumNotFound, access.AlbumHidden):
        return None
    token = navigation.token(navigation.ALBUM, album.id)
    return album_source(
        album,
        insider=access.is_album_owner(viewer, album),
        link=lambda photo_id: navigation.photo_url(photo_id, token),
        url=reverse("gallery:album", args=[album.id]),
        token=token,
    )


def shared_photo(user, album_id, share_token, photo_id):
    """(album, photo, Place) of a photo seen through an album's share link (albums.shared_photo
    decides who sees what): its steps are the link's own photo pages, only of this album."""
    album, photo, membership = albums.shared_photo_and_place(user, album_id, share_token, photo_id)
    source = album_source(
        album,
        insider=access.has_share_token(album, share_token),
        link=lambda photo_id: reverse("gallery:album_shared_photo", args=[album.id, share_token, photo_id]),
        url=reverse("gallery:album_shared", args=[album.id, share_token]),
        membership=membership,
    )
    return album, photo, navigation.place_in(source, photo)
