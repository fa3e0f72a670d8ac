"""Two tabs, one photo: a save from the older one is refused, on the site and in the API
(gallery.services.photos.edit with the revision the user saw; dynamodb.update_photo/delete_photo)."""

import json
import re

import pytest

from accounts.models import ApiToken
from gallery.storage import dynamodb
from gallery.tests.publishing import publish

pytestmark = pytest.mark.django_db


def form(photo, **fields):
    return {"title": photo.title, "tags": ", ".join(photo.tags), "visibility": "public",
            "revision": photo.revision, **fields}  # fmt: skip


def test_the_older_tab_cannot_undo_the_newer_save(aws, user, logged_in_client):
    photo = publish(user, title="Harbour", tags="sea")
    page = logged_in_client.get(f"/photos/{photo.id}/edit/").content.decode()
    assert 'name="revision" value="0"' in page  # both tabs loaded revision 0

    first = logged_in_client.post(
        f"/photos/{photo.id}/edit/", form(photo, visibility="private", tags="sea, secret")
    )
    stale = logged_in_client.post(
        f"/photos/{photo.id}/edit/", form(photo, title="Harbour (fixed)"), follow=True
    )

    assert first.status_code == 302
    assert "changed since you opened it" in stale.content.decode()
    kept = dynamodb.photo_repository().get_photo(photo.id)
    assert (kept.title, kept.visibility, kept.tags) == ("Harbour", "private", ["sea", "secret"])


def test_an_edit_without_visibility_keeps_a_private_photo_private(aws, user, logged_in_client):
    photo = publish(user, title="Hidden", visibility="private")
    data = form(photo, title="Still hidden")
    del data["visibility"]

    assert logged_in_client.post(f"/photos/{photo.id}/edit/", data).status_code == 302
    assert (
        logged_in_client.post(
            f"/photos/{photo.id}/edit/", {**data, "visibility": "", "revision": 1}
        ).status_code
        == 302
    )
    assert dynamodb.photo_repository().get_photo(photo.id).visibility == "private"


def test_the_api_sends_an_etag_and_refuses_a_stale_if_match_with_409(aws, user):
    photo = publish(user, title="Harbour")
    api_client = __import__("django.test", fromlist=["Client"]).Client(
        headers={"Authorization": f"Token {ApiToken.issue(user)}"}
    )
    url = f"/api/photos/{photo.id}/"
    etag = api_client.get(url)["ETag"]

    newer = api_client.patch(url, json.dumps({"visibility": "private"}), content_type="application/json",
                             headers={"If-Match": etag})  # fmt: skip
    stale = api_client.patch(url, json.dumps({"title": "Fixed"}), content_type="application/json",
                             headers={"If-Match": etag})  # fmt: skip
    stale_delete = api_client.delete(url, headers={"If-Match": etag})

    assert newer.status_code == 200 and newer["ETag"] == '"1"' and etag == '"0"'
    assert stale.status_code == 409 and "changed since you read it" in stale.json()["error"]
    assert stale_delete.status_code == 409
    assert dynamodb.photo_repository().get_photo(photo.id).title == "Harbour"
    assert api_client.delete(url, headers={"If-Match": '"1"'}).status_code == 204


def test_a_patch_without_visibility_never_widens_it(aws, user):
    photo = publish(user, title="Hidden", visibility="private")
    api_client = __import__("django.test", fromlist=["Client"]).Client(
        headers={"Authorization": f"Token {ApiToken.issue(user)}"}
    )
    response = api_client.patch(
        f"/api/photos/{photo.id}/", json.dumps({"title": "x"}), content_type="application/json"
    )

    assert response.status_code == 200 and response.json()["visibility"] == "private"


def test_a_stale_save_comes_back_with_what_was_typed_and_what_changed(aws, user, logged_in_client):
    photo = publish(user, title="Harbour", tags="sea", description="Boats.")
    logged_in_client.post(f"/photos/{photo.id}/edit/", form(photo, title="Harbour at dawn", tags="sea, dawn",
                                                             description="Boats."))  # fmt: skip

    stale = logged_in_client.post(
        f"/photos/{photo.id}/edit/",
        form(photo, title="Harbour, fixed", description="Boats, typed with care."),
    )

    page = stale.content.decode()
    assert stale.status_code == 409
    assert "changed since you opened it" in page
    # What the person typed is in the form, ready to save again over the newer revision.
    assert 'name="title" value="Harbour, fixed"' in page
    assert "Boats, typed with care.</textarea>" in page
    assert 'name="revision" value="1"' in page
    # Beside it, the saved values that differ from the typed ones.
    saved = re.search(r'<dl class="saved-meanwhile">(.*?)</dl>', page, re.S).group(1)
    assert re.findall(r"<dt>(.*?)</dt>\s*<dd>(.*?)</dd>", saved) == [
        ("Title", "Harbour at dawn"),
        ("Description", "Boats."),
        ("Tags", "sea, dawn"),
    ]
    kept = dynamodb.photo_repository().get_photo(photo.id)
    assert (kept.title, kept.tags) == ("Harbour at dawn", ["sea", "dawn"])

    again = logged_in_client.post(f"/photos/{photo.id}/edit/", form(kept, title="Harbour, fixed"))
    assert again.status_code == 302
    assert dynamodb.photo_repository().get_photo(photo.id).title == "Harbour, fixed"
