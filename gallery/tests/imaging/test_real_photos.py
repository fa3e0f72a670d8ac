"""Real-world variants (gallery/tests/corpus.py) through the upload form and the API: each is
stored correctly (others' full size without a location) or refused with a clear 4xx; never a
500. scripts/upload_corpus.py runs the same check over a directory of thousands of files."""

import pytest
from django.test import Client

from accounts.models import ApiToken
from gallery.storage import dynamodb
from gallery.tests.corpus import real_world_files
from gallery.tests.factories import location_of, upload
from scripts.upload_corpus import upload_all

pytestmark = pytest.mark.django_db

FILES = real_world_files()


@pytest.mark.parametrize(("kind", "name", "data"), FILES, ids=[kind for kind, _, _ in FILES])
@pytest.mark.parametrize("route", ["form", "api"])
def test_a_real_world_file_is_stored_right_or_refused_clearly(
    aws, user, logged_in_client, route, kind, name, data
):
    if route == "form":
        response = logged_in_client.post("/upload/", {"title": kind, "image": upload(name, data)})
    else:
        api = Client(headers={"Authorization": f"Token {ApiToken.issue(user)}"})
        response = api.post("/api/photos/", {"title": kind, "image": upload(name, data)})

    assert response.status_code in (201, 302, 400, 413), response.status_code
    if response.status_code in (400, 413):
        assert "not an image" in response.content.decode() or "damaged" in response.content.decode()
        return
    photo = dynamodb.photo_repository().list_page("ALL", limit=1).items[0]
    stored = dynamodb.photo_repository().get_photo(photo.id)
    assert stored.shared_key and location_of(aws.read(stored.shared_key)) == []
    assert aws.read(stored.original_key) == data


def test_the_corpus_script_reports_no_server_error(aws, user, tmp_path):
    for kind, name, data in FILES:
        (tmp_path / f"{kind.replace(' ', '_')}-{name}").write_bytes(data)
    (tmp_path / "notes.txt").write_bytes(b"not an image")

    tally = upload_all(sorted(tmp_path.iterdir()), user)

    assert tally.get(500, 0) == 0 and sum(tally.values()) == len(FILES) + 1
