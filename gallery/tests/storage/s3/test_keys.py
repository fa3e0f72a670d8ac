"""gallery.storage.s3.keys: keys are built from the photo id only."""

import pytest

from gallery.storage.s3.keys import display_key, original_key, photo_id_of_key, thumbnail_key

pytestmark = pytest.mark.django_db


def test_keys_are_built_from_the_photo_id_only():
    photo_id = "ab" * 16
    assert original_key(photo_id, "png") == f"photos/{photo_id}/original.png"
    assert display_key(photo_id) == f"photos/{photo_id}/display.jpg"
    assert thumbnail_key(photo_id) == f"photos/{photo_id}/thumb.jpg"
    assert photo_id_of_key(thumbnail_key(photo_id)) == photo_id
    assert photo_id_of_key("photos/../etc/original.jpg") is None
    assert photo_id_of_key("uploads/x") is None
