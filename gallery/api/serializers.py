"""The JSON of a photo: a card in a list, the whole photo on its own URL."""

from django.urls import reverse

from gallery.domain import access, taken
from gallery.domain.records import READY, FavoriteState
from gallery.storage.s3 import media_urls
from gallery.web.forms import failure_reason_message

NO_FAVORITES = FavoriteState()


def card_json(request, card):
    return {
        "id": card.id,
        "title": card.title,
        "owner": card.owner_username,
        "tags": card.tags,
        "visibility": card.visibility,
        "created": card.created,
        # When it was taken (ISO 8601, with its offset when known) and that month: the timeline's.
        "taken": taken.effective(card),
        "month": taken.month(taken.effective(card)),
        "url": request.build_absolute_uri(reverse("api:photo", args=[card.id])),
        "thumbnail": {
            "url": media_urls.url(card.thumbnail_key),
            "width": card.thumbnail_width,
            "height": card.thumbnail_height,
        },
    }


def photo_json(request, photo, favorites=NO_FAVORITES):
    """The whole photo as `request.api_user` may see it: "original" (the uploaded file) only for
    its owner or when shared, "full_size" the file this viewer gets (gallery.domain.access decides),
    with `favorites` (its records.FavoriteState for the caller: none for a photo just made).
    While it is processing (or once it failed) only what its owner said of it, its status and
    the reason it failed: there is nothing to show yet (nor to favourite)."""
    if photo.status != READY:
        return {
            "id": photo.id,
            "title": photo.title,
            "description": photo.description,
            "owner": photo.owner_username,
            "tags": photo.tags,
            "visibility": photo.visibility,
            "created": photo.created,
            "url": request.build_absolute_uri(reverse("api:photo", args=[photo.id])),
            "status": photo.status,
            "reason": failure_reason_message(photo.failure_reason) or None,
        }
    body = card_json(request, photo)
    gets_original = access.can_get_original(request.api_user, photo)
    full_size_key = access.full_size_key(request.api_user, photo)
    body.update(
        status=photo.status,
        description=photo.description,
        page=request.build_absolute_uri(reverse("gallery:photo", args=[photo.id])),
        camera=photo.camera or None,
        lens=photo.lens or None,
        exposure=photo.exposure or None,
        aperture=photo.aperture or None,
        focal_length=photo.focal_length or None,
        iso=photo.iso or None,
        favorite_count=favorites.count,
        favorited=favorites.favorited,
        revision=photo.revision,
        share_original=photo.share_original,
        original=_file(photo, photo.original_key, photo.original_bytes, photo.original_content_type)
        if gets_original
        else None,
        full_size=(
            _file(
                photo,
                full_size_key,
                photo.original_bytes if gets_original else photo.shared_bytes,
                photo.original_content_type if gets_original else photo.shared_content_type,
                metadata="kept" if gets_original else "removed",
            )
            if full_size_key
            else None
        ),
        display=(
            {
                "url": media_urls.url(photo.display_key),
                "width": photo.display_width,
                "height": photo.display_height,
            }
            if photo.display_key
            else None
        ),
        sources=[
            {
                "url": media_urls.url(source["key"]),
                "width": source["width"],
                "height": source["height"],
                "type": source["type"],
                "card": bool(source.get("card")),
            }
            for source in photo.sources
        ],
    )
    return body


def _file(photo, key, size, content_type, **extra):
    return {
        "url": media_urls.url(key),
        "width": photo.width,
        "height": photo.height,
        "bytes": size,
        "content_type": content_type,
        **extra,
    }


def favorite_json(favorites):
    return {"favorited": favorites.favorited, "favorite_count": favorites.count}


def album_json(request, album, share_url=None):
    """An album's own fields; `share_url` only for its owner (None otherwise and unless unlisted)."""
    return {
        "id": album.id,
        "title": album.title,
        "description": album.description,
        "visibility": album.visibility,
        "comments_open": album.comments_open,
        "owner": album.owner_username,
        "created": album.created,
        "url": request.build_absolute_uri(reverse("api:album", args=[album.id])),
        "page": request.build_absolute_uri(reverse("gallery:album", args=[album.id])),
        "cover": (
            {
                "photo_id": album.cover_photo_id,
                "thumbnail": {
                    "url": media_urls.url(album.cover_thumbnail_key),
                    "width": album.cover_thumbnail_width,
                    "height": album.cover_thumbnail_height,
                },
            }
            if album.cover_thumbnail_key
            else None
        ),
        "share_url": share_url,
    }
