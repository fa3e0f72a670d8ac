"""gallery.domain.records: what a photo record tells of itself."""

from gallery.domain.records import PUBLIC, Photo


def test_a_photo_names_its_objects():
    item = Photo(
        id="ab" * 16,
        title="Été à l'Île!",
        owner_id=7,
        owner_username="alice",
        tags=["sea", "boats"],
        created="2026-12-01T10:00:00.000000+00:00",
        thumbnail_key="photos/x/thumb.jpg",
        thumbnail_width=400,
        thumbnail_height=300,
        original_key="photos/x/original.png",
        display_key="photos/x/display.jpg",
    )
    assert sorted(item.object_keys) == ["photos/x/display.jpg", "photos/x/original.png", "photos/x/thumb.jpg"]
    assert item.card.visibility == PUBLIC and not hasattr(item.card, "description")
