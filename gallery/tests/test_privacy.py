"""A photo marked "only me" never reaches anyone but its owner: lists, pages, search, tag counts."""

import pytest
from django.test import Client

from gallery.tests.publishing import publish

pytestmark = pytest.mark.django_db

SITE_PAGES = ["/", "/tags/", "/tags/secret/", "/users/alice/", "/search/?q=hidden", "/search/?q=secret"]


@pytest.fixture
def private_photo(aws, user):
    publish(user, title="Public beach", tags="beach")
    return publish(user, title="Hidden garden", tags="secret beach", visibility="private")


def visitors(bob, django_user_model):
    staff = django_user_model.objects.create_user(username="mod", password="x" * 12, is_staff=True)
    anonymous, logged_in, moderator = Client(), Client(), Client()
    logged_in.force_login(bob)
    moderator.force_login(staff)
    return {"anonymous": anonymous, "another user": logged_in, "staff on the site": moderator}


def test_nobody_but_the_owner_sees_a_private_photo_anywhere_on_the_site(
    private_photo, bob, django_user_model
):
    for who, client in visitors(bob, django_user_model).items():
        for path in SITE_PAGES:
            page = client.get(path).content.decode()
            assert "Hidden garden" not in page, (who, path)
            assert private_photo.id not in page, (who, path)
        assert client.get(f"/photos/{private_photo.id}/").status_code == 404, who
        tags = client.get("/tags/").content.decode()
        assert "/tags/secret/" not in tags
        assert '/tags/beach/">beach</a> <span class="count">1</span>' in tags  # only the public one


def test_the_owner_sees_it_on_their_page_and_its_own_page(private_photo, logged_in_client):
    mine = logged_in_client.get("/users/alice/").content.decode()
    assert "Hidden garden" in mine and "only me" in mine
    page = logged_in_client.get(f"/photos/{private_photo.id}/")
    assert page.status_code == 200 and "Hidden garden" in page.content.decode()
    # ...but even the owner's public lists do not show it: they are what everyone sees.
    assert "Hidden garden" not in logged_in_client.get("/").content.decode()


def test_publishing_a_private_photo_later_shows_it_everywhere(private_photo, logged_in_client):
    response = logged_in_client.post(
        f"/photos/{private_photo.id}/edit/",
        {"title": "Hidden garden", "tags": "secret beach", "visibility": "public", "revision": 0},
    )
    assert response.status_code == 302

    visitor = Client()
    for path in SITE_PAGES[:-1]:
        assert "Hidden garden" in visitor.get(path).content.decode() or path == "/tags/", path
    assert '/tags/secret/">secret</a> <span class="count">1</span>' in visitor.get("/tags/").content.decode()
