"""The trash pages (gallery.web.views.trash): the owner's list with days left, Restore, Delete
forever, and Empty trash after a confirmation; nobody else's photo is reachable through them."""

from datetime import timedelta

import pytest
from django.test import Client

from gallery.services import trash
from gallery.storage import dynamodb
from gallery.tests.factories import client_for
from gallery.tests.publishing import publish

pytestmark = pytest.mark.django_db


def test_the_trash_lists_newest_first_with_days_left_and_restores(aws, user, monkeypatch):
    owner = client_for(user)
    older, newer = publish(user, title="Older"), publish(user, title="Newer")
    owner.post(f"/photos/{older.id}/delete/")
    # Ten days later: the newer one has its 30 days, the older 20 left.
    later = trash.clock_now() + timedelta(days=10)
    monkeypatch.setattr("gallery.services.trash.clock_now", lambda: later)
    owner.post(f"/photos/{newer.id}/delete/")

    page = owner.get("/trash/").content.decode()

    listed = page.split('class="trash-list"')[1]
    assert listed.index("Newer") < listed.index("Older")
    assert "Deleted for good in 30 days" in page and "Deleted for good in 20 days" in page
    assert 'href="/trash/"' in page  # the header's link
    response = owner.post(f"/trash/{older.id}/restore/")
    assert response["Location"] == "/trash/"
    assert "“Older” is restored." in owner.get("/trash/").content.decode()
    assert "Older" in Client().get("/").content.decode()


def test_empty_trash_asks_first_then_deletes_everything_for_good(aws, user):
    owner = client_for(user)
    kept = publish(user, title="Kept")
    for title in ("One", "Two"):
        owner.post(f"/photos/{publish(user, title=title).id}/delete/")
    stored = aws.object_keys()

    confirmation = owner.get("/trash/empty/").content.decode()
    assert "This cannot be undone." in confirmation
    assert aws.object_keys() == stored  # asking deleted nothing

    response = owner.post("/trash/empty/")

    assert response["Location"] == "/trash/"
    page = owner.get("/trash/").content.decode()
    assert "2 photos deleted for good" in page and "The trash is empty." in page
    assert aws.object_keys() == sorted(kept.object_keys)


def test_nobody_else_restores_or_deletes_from_a_trash(aws, user, bob):
    photo = publish(user, title="Mine")
    client_for(user).post(f"/photos/{photo.id}/delete/")
    intruder = client_for(bob)

    assert "Mine" not in intruder.get("/trash/").content.decode()
    assert intruder.post(f"/trash/{photo.id}/restore/").status_code == 404
    assert intruder.post(f"/trash/{photo.id}/delete/").status_code == 404
    assert intruder.get(f"/photos/{photo.id}/").status_code == 404
    assert Client().get("/trash/")["Location"].startswith("/accounts/login/")
    assert dynamodb.photo_repository().get_photo(photo.id).trashed_at


def test_the_trash_in_korean(aws, user):
    owner = client_for(user)
    owner.post(f"/photos/{publish(user, title='Sea').id}/delete/")

    page = owner.get("/trash/", HTTP_ACCEPT_LANGUAGE="ko").content.decode()

    assert "휴지통" in page and "복원" in page and "30일" in page
