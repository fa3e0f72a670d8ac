"""Rotate: new sizes from the original turned, the original untouched, nothing left behind."""

import io
import json

import pytest
from PIL import Image

from gallery.imaging.process import turned
from gallery.services import photos, rotation
from gallery.storage.dynamodb import PhotoChanged
from gallery.tests.api.test_photos import token_client
from gallery.tests.factories import camera_exif, image_bytes
from gallery.tests.publishing import publish

pytestmark = pytest.mark.django_db


def dark_corner(aws, key):
    """Which corner of a stored image is the dark one (image_bytes darkens the top left)."""
    with Image.open(io.BytesIO(aws.read(key))) as image:
        rgb = image.convert("RGB")
        width, height = rgb.size
        corners = {
            "top left": (1, 1),
            "top right": (width - 2, 1),
            "bottom right": (width - 2, height - 2),
            "bottom left": (1, height - 2),
        }
        return [name for name, xy in corners.items() if sum(rgb.getpixel(xy)) < 200]


@pytest.mark.parametrize(("orientation", "degrees"), [(o, d) for o in range(1, 9) for d in (0, 90, 180, 270)])
def test_turns_compose_with_every_exif_orientation(orientation, degrees):
    assert turned(turned(orientation, degrees), (360 - degrees) % 360) == orientation
    assert turned(turned(orientation, 90), 90) == turned(orientation, 180)


def test_rotating_makes_new_sizes_from_the_original_and_leaves_the_original_as_it_was(aws, user):
    photo = publish(user, data=image_bytes(size=(120, 80)))
    original = aws.read(photo.original_key)

    turned_right = rotation.rotate(photo, 90)

    assert (turned_right.width, turned_right.height, turned_right.rotation) == (80, 120, 90)
    assert (turned_right.thumbnail_width, turned_right.thumbnail_height) == (80, 120)
    assert dark_corner(aws, turned_right.thumbnail_key) == ["top right"]
    assert dark_corner(aws, turned_right.display_key) == ["top right"]
    assert turned_right.revision == photo.revision + 1  # the ETag moves on: caches refresh
    assert turned_right.thumbnail_key != photo.thumbnail_key  # a new name: no cache shows the old
    assert aws.read(photo.original_key) == original
    assert sorted(aws.object_keys()) == sorted(turned_right.object_keys)  # the old sizes are gone

    upside_down = rotation.rotate(turned_right, 180)
    assert (upside_down.rotation, upside_down.width) == (270, 80)
    assert dark_corner(aws, upside_down.thumbnail_key) == ["bottom left"]
    back = rotation.rotate(upside_down, 90)
    assert (back.rotation, back.width, back.height) == (0, 120, 80)
    assert dark_corner(aws, back.thumbnail_key) == ["top left"]
    assert sorted(aws.object_keys()) == sorted(back.object_keys)


def test_a_rotation_adds_to_the_cameras_orientation(aws, user):
    photo = publish(user, data=image_bytes(size=(120, 80), exif=camera_exif(orientation=6)))
    assert (photo.width, photo.height) == (80, 120)

    rotated = rotation.rotate(photo, 270)

    assert (rotated.width, rotated.height) == (120, 80)
    assert dark_corner(aws, rotated.thumbnail_key) == ["top left"]  # as the camera held it


def test_a_stale_rotation_stores_nothing(aws, user):
    photo = publish(user, data=image_bytes(size=(120, 80)))
    photos.edit(photo, title="Renamed")
    keys = sorted(aws.object_keys())

    with pytest.raises(PhotoChanged):
        rotation.rotate(photo, 90)

    assert sorted(aws.object_keys()) == keys


@pytest.mark.parametrize("degrees", [0, 45, 360, -90, "90", "ninety", None, True, 90.5])
def test_the_api_rotates_by_90_180_or_270_only(aws, user, degrees):
    photo = publish(user, data=image_bytes(size=(120, 80)))
    api = token_client(user)

    response = api.post(
        f"/api/photos/{photo.id}/rotate/", json.dumps({"degrees": degrees}), "application/json"
    )

    if degrees == "90":
        assert response.status_code == 200  # a number as text, as a form sends it
        return
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["degrees"]
    assert photos.visible(user, photo.id).rotation == 0


def test_the_api_answers_the_rotated_photo_with_its_new_etag(aws, user, bob):
    photo = publish(user, data=image_bytes(size=(120, 80)))

    response = token_client(user).post(
        f"/api/photos/{photo.id}/rotate/", {"degrees": 270}, "application/json"
    )

    assert response.status_code == 200
    body = response.json()
    assert (body["display"]["width"], body["display"]["height"], body["revision"]) == (
        80,
        120,
        photo.revision + 1,
    )
    assert response["ETag"] == f'"{photo.revision + 1}"'
    intruder = token_client(bob).post(f"/api/photos/{photo.id}/rotate/", {"degrees": 90}, "application/json")
    assert intruder.status_code == 403


def test_the_owner_rotates_from_the_photo_page(aws, client, user):
    photo = publish(user, data=image_bytes(size=(120, 80)))
    client.force_login(user)
    page = client.get(f"/photos/{photo.id}/").content.decode()
    assert f'action="/photos/{photo.id}/rotate/"' in page

    response = client.post(f"/photos/{photo.id}/rotate/", {"degrees": "90"})

    assert response.status_code == 302
    assert photos.visible(user, photo.id).rotation == 90
    assert client.post(f"/photos/{photo.id}/rotate/", {"degrees": "45"}).status_code == 400
