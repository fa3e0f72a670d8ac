"""Authorization across every route that reveals or changes a photo or an album, found from the
URLconf.

Every route with a photo id or an album id in its URL (site, JSON API, admin) is tried by an
anonymous visitor and by another signed-in user, with every method, on a public photo, a private
photo and a guessed id (album routes: in the owner's private album holding both photos, or a
guessed album; share-link routes with a wrong token). None of them may see a private photo or
learn that it exists, and none may change anything: afterwards every item and object is as it
was. The owner, by contrast, can read every route (so the matrix is not passing because the
routes are broken).
"""

import json
import uuid

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from accounts.models import ApiToken
from gallery.services import albums
from gallery.tests.factories import admin_client_for
from gallery.tests.publishing import publish

pytestmark = pytest.mark.django_db

METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")
WRITE_BODY = {"title": "Defaced", "description": "pwned", "tags": "pwned", "visibility": "public"}


ID_GROUPS = {"photo_id", "album_id"}
# Routes that answer no GET (405): their refusals are in the matrix, their success in
# test_views_albums.py and test_api_albums.py.
WRITE_ONLY = {"gallery:album_remove", "gallery:album_move", "api:album_photo", "api:album_photo_move"}
# The trash's actions (restore, delete forever): POSTs and DELETEs of a photo in the trash only.
WRITE_ONLY |= {"gallery:trash_restore", "gallery:trash_delete", "api:trash_restore", "api:trashed"}
# Rotate: a POST that turns the photo (its success in test_rotation.py and the API tests).
WRITE_ONLY |= {"gallery:rotate", "api:rotate"}
WRONG_TOKEN = "w" * 43


def photo_routes(patterns=None, namespace=""):
    """Name of every URL pattern that takes a photo_id or an album_id."""
    found = []
    for entry in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(entry, URLResolver):
            inner = (
                f"{namespace}:{entry.namespace}"
                if namespace and entry.namespace
                else entry.namespace or namespace
            )
            found += photo_routes(entry.url_patterns, inner)
        elif isinstance(entry, URLPattern) and ID_GROUPS & set(entry.pattern.regex.groupindex) and entry.name:
            name = f"{namespace}:{entry.name}" if namespace else entry.name
            found.append(name)
            GROUPS[name] = set(entry.pattern.regex.groupindex)
    return sorted(set(found))


GROUPS = {}
ROUTES = photo_routes()
# Any signed-in user may favourite a public photo they see: on these, strangers are tried on
# private and guessed photos only; they are actions, with nothing to GET.
FAVORITE_ROUTES = {"gallery:favorite", "api:favorite", "api:unfavorite_photo"}
# So may they comment on it; the comments' JSON names no photo title (tests/api/test_comments.py).
FAVORITE_ROUTES |= {"gallery:comment_write", "api:comments", "api:write_comment"}


def path_for(route, photo_id, album_id, token=WRONG_TOKEN):
    values = {"photo_id": photo_id, "album_id": album_id, "token": token}
    return reverse(route, kwargs={name: values[name] for name in GROUPS[route]})


def test_the_routes_found_include_site_api_and_admin():
    assert {"gallery:photo", "gallery:edit", "gallery:delete", "api:photo"} <= set(ROUTES)
    assert {"gallery:album", "gallery:album_shared_photo", "api:album", "api:album_photo"} <= set(ROUTES)
    assert any(route.startswith("admin:") for route in ROUTES)


@pytest.fixture
def photos(aws, user):
    public = publish(user, title="Open beach of the owner", tags="shared")
    private = publish(user, title="Hidden garden of the owner", tags="secret", visibility="private")
    album = albums.create(user, title="Private album of the owner", visibility="private")
    for photo in (public, private):
        albums.add_photo(user, album, photo.id)
    return {"public": public, "private": private, "album": album}


def snapshot(aws):
    items = sorted(json.dumps(item, sort_keys=True, default=str) for item in aws.table_items())
    return items, aws.object_keys()


def send(client, method, path, headers=None):
    body = json.dumps(WRITE_BODY) if method in ("PUT", "PATCH") else WRITE_BODY
    content_type = "application/json" if method in ("PUT", "PATCH") else None
    options = {"headers": headers or {}}
    if method == "GET":
        return client.get(path, **options)
    if content_type:
        return client.generic(method, path, body, content_type=content_type, **options)
    if method == "POST":
        return client.post(path, body, **options)
    return client.delete(path, **options)


def strangers(django_user_model):
    bob = django_user_model.objects.create_user(username="mallory", password="x" * 12)
    signed_in = Client()
    signed_in.force_login(bob)
    token = {"Authorization": f"Token {ApiToken.issue(bob)}"}
    return {
        "anonymous": (Client(), None),
        "another user": (signed_in, None),
        "another user's token": (Client(), token),
    }


def refused(response):
    """Nothing revealed, nothing done: not found, not allowed, or sent to log in."""
    if response.status_code == 302:
        return "login" in response["Location"]
    return response.status_code in (401, 403, 404, 405)


@pytest.mark.parametrize("route", ROUTES)
def test_strangers_can_neither_see_private_photos_nor_change_any(aws, photos, django_user_model, route):
    before = snapshot(aws)
    guessed = uuid.uuid4().hex
    targets = ("private", "guessed") if route in FAVORITE_ROUTES else ("private", "public", "guessed")
    for who, (client, headers) in strangers(django_user_model).items():
        for target in targets:
            photo_id = guessed if target == "guessed" else photos[target].id
            album_id = guessed if target == "guessed" else photos["album"].id
            path = path_for(route, photo_id, album_id)
            for method in METHODS:
                response = send(client, method, path, headers)
                context = (who, target, method, path, response.status_code)
                body = response.content.decode(errors="replace")
                assert "Hidden garden of the owner" not in body, context
                if target in ("private", "guessed"):
                    # 404 for both: a private photo is indistinguishable from a missing one.
                    assert refused(response) and response.status_code != 403, context
                elif method != "GET":
                    assert refused(response), context

    assert snapshot(aws) == before  # nothing was changed or deleted by anyone


OWNER_ROUTES = [
    route
    for route in ROUTES
    if not route.startswith("admin:")
    and "photo_id" in GROUPS[route]
    and route not in WRITE_ONLY | FAVORITE_ROUTES
]


@pytest.mark.parametrize("route", OWNER_ROUTES)
def test_the_owner_can_open_every_route_of_their_private_photo(aws, photos, user, route):
    client = Client()
    client.force_login(user)
    token = {"Authorization": f"Token {ApiToken.issue(user)}"}

    path = path_for(route, photos["private"].id, photos["album"].id)
    response = client.get(path, headers=token)

    assert response.status_code == 200
    assert "Hidden garden of the owner" in response.content.decode()


def test_staff_open_the_admin_routes_and_strangers_are_sent_to_log_in(aws, photos, django_user_model):
    staff = django_user_model.objects.create_superuser(username="root", password="x" * 12)
    admin_client = admin_client_for(staff)

    for route in [route for route in ROUTES if route.startswith("admin:")]:
        path = path_for(route, photos["private"].id, photos["album"].id)
        assert admin_client.get(path).status_code == 200, route
        assert Client().get(path)["Location"].startswith("/admin/login/"), route


LIST_PAGES = [
    "/",
    "/tags/",
    "/tags/secret/",
    "/users/alice/",
    "/search/?q=Owner",
    "/api/photos/",
    "/api/photos/?owner=alice",
    "/api/photos/?tag=secret",
]


def test_no_list_page_or_api_list_shows_a_private_photo_to_strangers(aws, photos, django_user_model):
    for who, (client, headers) in strangers(django_user_model).items():
        for path in LIST_PAGES:
            response = client.get(path, headers=headers)
            body = response.content.decode()
            assert response.status_code == 200, (who, path)
            assert photos["private"].id not in body and "Hidden garden of the owner" not in body, (who, path)
    assert "Open beach of the owner" in Client().get("/").content.decode()
