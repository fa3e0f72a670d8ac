"""gallery.domain.ids: one id pattern for every route, key and link."""

import re

import pytest
from django.urls import NoReverseMatch, Resolver404, resolve, reverse

from gallery.domain import ids


def test_new_ids_are_the_pattern_and_differ():
    made = {ids.new_photo_id() for _ in range(100)} | {ids.new_album_id() for _ in range(100)}
    assert len(made) == 200 and all(re.fullmatch(ids.PATTERN, made_id) for made_id in made)


@pytest.mark.parametrize(
    "path",
    [
        "/photos/{id}/",
        "/albums/{id}/",
        "/api/photos/{id}/",
        "/api/uploads/{id}/complete/",
    ],
)
def test_every_route_takes_an_id_of_the_pattern_only(path):
    assert resolve(path.format(id="0123456789abcdef" * 2)).kwargs
    for wrong in ("0123456789ABCDEF" * 2, "0" * 31, "0" * 33, "../" + "0" * 29):
        with pytest.raises(Resolver404):
            resolve(path.format(id=wrong))


def test_a_link_to_an_id_off_the_pattern_is_refused():
    assert reverse("gallery:photo", args=["ab" * 16]) == f"/photos/{'ab' * 16}/"
    with pytest.raises(NoReverseMatch):
        reverse("api:photo", args=["AB" * 16])
    # The admin answers any other path with its catch-all view: only its change page takes an id.
    assert resolve(f"/admin/gallery/photorecord/{'ab' * 16}/change/").url_name == "gallery_photorecord_change"
