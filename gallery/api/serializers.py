"""The JSON of a photo: a card in a list, the whole photo on its own URL."""

from django.urls import reverse

from gallery import media
from gallery.catalog import READY, FavoriteState

NO_FAVORITES = FavoriteState()


def card_json(request, card):
    return {
        "id": card.id,
        "title": card.title,
        "owner": card.owner_username,
        "tags": card.tags,
        "visibility": card.visibility,
        "created": card.created,
        "url": request.build_absolute_uri(reverse("api:photo", args=[card.id])),
        "thumbnail": {
            "url": media.url(card.thumbnail_key),
            "width": card.thumbnail_width,
            "height": card.thumbnail_height,
        },
    }


def photo_json(request, photo, favorites=NO_FAVORITES):
    """The whole photo, with `favorites` (its catalog.FavoriteState for the caller: none for a
    photo just made); while it is
    processing (or once it failed) only what its owner said of it, its status and the reason it
    failed: there is nothing to show yet (nor to favourite)."""
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
            "reason": photo.failure_reason or None,
        }
    body = card_json(request, photo)
    body.update(
        status=photo.status,
        description=photo.description,
        page=request.build_absolute_uri(reverse("gallery:photo", args=[photo.id])),
        taken=photo.taken or None,
        camera=photo.camera or None,
        lens=photo.lens or None,
        exposure=photo.exposure or None,
        aperture=photo.aperture or None,
        focal_length=photo.focal_length or None,
        iso=photo.iso or None,
        favorite_count=favorites.count,
        favorited=favorites.favorited,
        original={
            "url": media.url(photo.original_key),
            "width": photo.width,
            "height": photo.height,
            "bytes": photo.original_bytes,
            "content_type": photo.original_content_type,
        },
        display=(
            {
                "url": media.url(photo.display_key),
                "width": photo.display_width,
                "height": photo.display_height,
            }
            if photo.display_key
            else None
        ),
    )
    return body


def favorite_json(favorites):
    return {"favorited": favorites.favorited, "favorite_count": favorites.count}
