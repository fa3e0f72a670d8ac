"""The owner's private map: GET /api/map/ and /me/map/. A position never leaves its owner."""

import pytest
from django.test import Client
from PIL import Image, TiffImagePlugin

from gallery.imaging.exif import gps_position
from gallery.services import photos
from gallery.tests.api.test_photos import token_client
from gallery.tests.factories import EXIF_GPS_IFD, camera_exif, image_bytes
from gallery.tests.publishing import publish

pytestmark = pytest.mark.django_db
PARIS = (48.858333, 2.294444)  # camera_exif's position


def geotagged(owner, title="Trip", visibility="public"):
    return publish(owner, title=title, visibility=visibility, data=image_bytes(exif=camera_exif()))


def test_the_map_lists_the_callers_own_geotagged_photos_only(aws, user, bob):
    public = geotagged(user, "Eiffel")
    private = geotagged(user, "Hotel", visibility="private")
    publish(user, title="No GPS", data=image_bytes(exif=camera_exif(gps=False)))
    bobs = geotagged(bob, "Bob's public trip")  # public, geotagged: still never on alice's map

    mine = token_client(user).get("/api/map/")

    assert mine.status_code == 200
    points = mine.json()
    assert {point["id"] for point in points} == {public.id, private.id}
    assert all((point["lat"], point["lon"]) == PARIS for point in points)
    assert all("X-Amz-Signature=" in point["thumbnail_url"] for point in points)
    assert set(points[0]) == {"id", "lat", "lon", "thumbnail_url"}
    assert [point["id"] for point in token_client(bob).get("/api/map/").json()] == [bobs.id]
    assert Client().get("/api/map/").status_code == 401


def test_a_deleted_photo_leaves_the_map_and_an_edit_keeps_it(aws, user):
    kept, gone = geotagged(user, "Kept"), geotagged(user, "Gone")
    photos.edit(kept, title="Renamed", visibility="private")
    photos.delete(gone.id)

    assert [point["id"] for point in token_client(user).get("/api/map/").json()] == [kept.id]


def test_others_never_get_the_position_of_a_public_photo(aws, user, bob):
    photo = geotagged(user, "Eiffel")
    paths = [f"/api/photos/{photo.id}/", f"/photos/{photo.id}/", "/api/photos/", "/users/alice/", "/"]
    for client in (Client(), token_client(bob)):
        for path in paths:
            text = client.get(path).content.decode()
            assert "48.858" not in text and "latitude" not in text, path


def test_the_map_page_is_the_owners_with_the_vendored_leaflet_and_the_tile_setting(
    aws, client, user, settings
):
    assert client.get("/me/map/").status_code == 302  # anonymous: to the login page
    client.force_login(user)

    response = client.get("/me/map/")

    page = response.content.decode()
    assert response.status_code == 200
    assert "vendor/leaflet/leaflet" in page and "vendor/leaflet.markercluster/leaflet.markercluster" in page
    assert 'data-tiles="https://tile.openstreetmap.org/{z}/{x}/{y}.png"' in page
    assert "© OpenStreetMap contributors" in page
    assert "unpkg" not in page and "cdn" not in page.lower()
    policy = response["Content-Security-Policy"]
    img_src = next(part for part in policy.split("; ") if part.startswith("img-src"))
    assert "https://tile.openstreetmap.org" in img_src.split()


def _gps(lat, lat_ref, lon, lon_ref):
    exif = Image.Exif()
    exif.get_ifd(EXIF_GPS_IFD).update({1: lat_ref, 2: lat, 3: lon_ref, 4: lon})
    return exif


@pytest.mark.parametrize(
    ("exif", "expected"),
    [
        (_gps((33.0, 51.0, 36.0), "S", (151.0, 12.0, 36.0), "E"), (-33.86, 151.21)),  # Sydney
        (_gps((40.0, 42.0, 46.0), "N", (74.0, 0.0, 22.0), "W"), (40.712778, -74.006111)),
        (_gps((0.0, 0.0, 0.0), "N", (0.0, 0.0, 0.0), "E"), None),  # no fix
        (_gps((91.0, 0.0, 0.0), "N", (0.0, 0.0, 1.0), "E"), None),
        (_gps((TiffImagePlugin.IFDRational(1, 0), 0.0, 0.0), "N", (1.0, 0.0, 0.0), "E"), None),
        (_gps("north", "N", (1.0, 0.0, 0.0), "E"), None),
        (Image.Exif(), None),
    ],
)
def test_the_position_is_read_from_the_gps_ifd_or_left_out(exif, expected):
    assert gps_position(exif) == expected
