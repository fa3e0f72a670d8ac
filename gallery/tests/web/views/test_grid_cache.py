"""The home page's grid comes from one cache entry (gallery.web.cards.photo_cards): whatever
changes what a visitor should see shows on the very next page."""

import pytest
from django.conf import settings
from django.core.cache import caches
from django.test import Client

from gallery.services import photos, suspensions
from gallery.tests.publishing import publish

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _empty_card_cache():
    caches[settings.PHOTOSHARE_CARD_CACHE].clear()


def home(client=None, language="en"):
    client = client or Client()
    client.cookies["django_language"] = language
    return client.get("/").content.decode()


def test_a_new_photo_and_an_edited_title_show_at_once(aws, user):
    first = publish(user, title="Harbour")
    assert "Harbour" in home() and "Harbour" in home()  # the second from the grid cache

    publish(user, title="Boats")
    photos.edit(first, title="Harbour at dusk")

    page = home()
    assert "Boats" in page and "Harbour at dusk" in page


def test_a_suspended_owners_photos_go_at_once(aws, user, bob):
    publish(user, title="Harbour")
    publish(bob, title="Forest")
    assert "Harbour" in home()

    suspensions.suspend(user)

    page = home()
    assert "Harbour" not in page and "Forest" in page


def test_the_other_language_shows_at_once(aws, user):
    publish(user, title="Harbour")
    assert "by alice" in home()
    korean = home(language="ko")
    assert "alice 님" in korean and "by alice" not in korean


def test_a_favourite_shows_at_once_and_only_to_its_fan(aws, user, bob):
    photo = publish(user, title="Harbour")
    fan, other = Client(), Client()
    fan.force_login(bob)
    other.force_login(user)
    assert "Harbour" not in fan.get("/favorites/").content.decode()

    photos.favorite(bob, photo)

    assert "Harbour" in fan.get("/favorites/").content.decode()
    assert "Harbour" not in other.get("/favorites/").content.decode()


def test_the_owner_sees_their_private_photo_and_nobody_else_does(aws, user, bob):
    publish(user, title="Hidden garden", visibility="private")
    owner, visitor = Client(), Client()
    owner.force_login(user)
    visitor.force_login(bob)

    mine = owner.get("/users/alice/").content.decode()
    theirs = visitor.get("/users/alice/").content.decode()

    assert "Hidden garden" in mine and "only me" in mine
    assert "Hidden garden" not in theirs and "only me" not in theirs
