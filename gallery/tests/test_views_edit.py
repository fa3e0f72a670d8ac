"""Edit and delete through the site: owner and staff may, others get 403 (public) or 404 (private)."""

import pytest
from django.core.files.storage import default_storage
from django.test import Client

from gallery import metadata
from gallery.tests.publishing import publish

pytestmark = pytest.mark.django_db


def client_for(user):
    client = Client()
    client.force_login(user)
    return client


def edit(client, photo, **fields):
    data = {"title": photo.title, "description": "", "tags": ", ".join(photo.tags), "visibility": "public"}
    data.update(fields)
    return client.post(f"/photos/{photo.id}/edit/", data)


def test_owner_edits_title_and_tags_and_the_tag_pages_follow(aws, logged_in_client, user):
    photo = publish(user, title="Harbour", tags="sea, boats")

    form = logged_in_client.get(f"/photos/{photo.id}/edit/").content.decode()
    assert 'value="sea, boats"' in form

    response = edit(logged_in_client, photo, title="Harbour at night", tags="boats night")

    assert response.status_code == 302 and response["Location"] == f"/photos/{photo.id}/"
    page = logged_in_client.get(response["Location"]).content.decode()
    assert "Harbour at night" in page and "Your changes are saved." in page
    visitor = Client()
    assert "Harbour" not in visitor.get("/tags/sea/").content.decode()
    assert "Harbour at night" in visitor.get("/tags/night/").content.decode()
    assert "Harbour at night" in visitor.get("/tags/boats/").content.decode()
    assert "Harbour at night" in visitor.get("/").content.decode()
    tags = visitor.get("/tags/").content.decode()
    assert "/tags/sea/" not in tags and "/tags/night/" in tags


def test_edit_rejects_bad_input_with_a_400_and_changes_nothing(aws, logged_in_client, user):
    photo = publish(user, title="Harbour", tags="sea")

    response = edit(logged_in_client, photo, title="", tags="x" * 60)

    assert response.status_code == 400
    assert "This field is required." in response.content.decode()
    assert metadata.photo_table().get_photo(photo.id).title == "Harbour"


def test_owner_deletes_the_photo_with_every_object_and_item(aws, logged_in_client, user):
    kept = publish(user, title="Kept", tags="sea")
    photo = publish(user, title="Gone", tags="sea")
    assert len(aws.object_keys()) == 6

    assert logged_in_client.get(f"/photos/{photo.id}/delete/").status_code == 200  # confirmation
    response = logged_in_client.post(f"/photos/{photo.id}/delete/")

    assert response.status_code == 302 and response["Location"] == "/users/alice/"
    assert aws.object_keys() == sorted(kept.object_keys)
    assert not [item for item in aws.table_items() if item["pk"] == f"PHOTO#{photo.id}"]
    assert Client().get(f"/photos/{photo.id}/").status_code == 404
    assert "Gone" not in Client().get("/tags/sea/").content.decode()
    assert metadata.photo_table().tag_count("sea") == 1


def test_a_failed_object_delete_still_removes_the_photo_and_a_retry_is_harmless(
    aws, logged_in_client, user, monkeypatch
):
    photo = publish(user, title="Gone")

    def s3_down(key):
        raise OSError("S3 went away")

    monkeypatch.setattr(default_storage, "delete", s3_down)
    response = logged_in_client.post(f"/photos/{photo.id}/delete/")

    # The item went first: the photo is gone from the site, the objects wait for reconciliation.
    assert response.status_code == 302
    assert Client().get(f"/photos/{photo.id}/").status_code == 404
    assert aws.object_keys() == sorted(photo.object_keys)
    monkeypatch.undo()
    assert logged_in_client.post(f"/photos/{photo.id}/delete/").status_code == 404


def test_a_failed_item_delete_keeps_everything(aws, logged_in_client, user, monkeypatch):
    photo = publish(user, title="Kept")
    table = metadata.photo_table()

    def dynamodb_down(photo_id):
        raise metadata.MetadataUnavailable("down")

    monkeypatch.setattr(table, "delete_photo", dynamodb_down)
    response = logged_in_client.post(f"/photos/{photo.id}/delete/")

    assert response.status_code == 503
    assert aws.object_keys() == sorted(photo.object_keys)
    monkeypatch.undo()
    assert logged_in_client.get(f"/photos/{photo.id}/").status_code == 200


@pytest.mark.parametrize("action", ["edit", "delete"])
def test_another_user_gets_403_even_with_a_forged_post(aws, user, bob, action):
    photo = publish(user, title="Alice's", tags="sea")
    intruder = client_for(bob)

    assert "/edit/" not in intruder.get(f"/photos/{photo.id}/").content.decode()
    assert intruder.get(f"/photos/{photo.id}/{action}/").status_code == 403
    forged = intruder.post(f"/photos/{photo.id}/{action}/", {"title": "Bob's now", "tags": "mine"})

    assert forged.status_code == 403
    assert metadata.photo_table().get_photo(photo.id) == photo
    assert len(aws.object_keys()) == 3


@pytest.mark.parametrize("action", ["edit", "delete"])
def test_another_users_private_photo_is_a_404_for_every_action(aws, user, bob, action):
    photo = publish(user, title="Secret", visibility="private")
    intruder = client_for(bob)

    assert intruder.get(f"/photos/{photo.id}/").status_code == 404
    assert intruder.post(f"/photos/{photo.id}/{action}/", {"title": "x"}).status_code == 404
    assert metadata.photo_table().get_photo(photo.id) == photo


def test_anonymous_posts_go_to_the_login_page(aws, client, user):
    photo = publish(user)

    response = client.post(f"/photos/{photo.id}/delete/")

    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    assert len(aws.object_keys()) == 3


def test_csrf_is_enforced_on_delete(aws, user):
    photo = publish(user)
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)

    assert client.post(f"/photos/{photo.id}/delete/").status_code == 403
    assert len(aws.object_keys()) == 3


def test_staff_can_edit_and_delete_other_peoples_public_photos(aws, user, django_user_model):
    staff = django_user_model.objects.create_user(username="mod", password="x" * 12, is_staff=True)
    photo = publish(user, title="Spam", tags="ads")
    moderator = client_for(staff)

    assert edit(moderator, photo, title="Renamed").status_code == 302
    assert metadata.photo_table().get_photo(photo.id).title == "Renamed"
    assert moderator.post(f"/photos/{photo.id}/delete/").status_code == 302
    assert aws.object_keys() == []
