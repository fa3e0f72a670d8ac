"""gallery.domain.records: what a photo record tells of itself."""

from dataclasses import replace

from gallery.domain.exif_facts import ExifFacts
from gallery.domain.records import PUBLIC
from gallery.tests.factories import make_photo


def test_a_photo_names_its_objects():
    keys = {"original_key": "photos/x/original.png", "thumbnail_key": "photos/x/thumb.jpg"}
    item = replace(make_photo(1, display_key="photos/x/display.jpg"), **keys)
    assert sorted(item.object_keys) == ["photos/x/display.jpg", "photos/x/original.png", "photos/x/thumb.jpg"]
    assert item.card.visibility == PUBLIC and not hasattr(item.card, "description")


def test_a_photo_holds_every_exif_fact_declared_once():
    facts = ExifFacts(taken="2024:07:01 18:30:00", camera="Canon EOS R6", iso=200)
    photo = make_photo(1, **{name: getattr(facts, name) for name in ExifFacts.__dataclass_fields__})
    assert set(ExifFacts.__dataclass_fields__) <= set(type(photo).__dataclass_fields__)
    assert (photo.taken, photo.camera, photo.iso) == ("2024:07:01 18:30:00", "Canon EOS R6", 200)
