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


# --- location: others never get the GPS position, the owner gets the file as uploaded ----------
def _media_urls(text):
    """Every media URL a page or a JSON body gives (presigned URLs on moto's endpoint)."""
    import re

    return sorted(
        set(re.findall(r"https?://[^\s\"'<>]+/photos/[0-9a-f]{32}/[a-z]+\.[a-z]+\?[^\s\"'<>]+", text))
    )


def _fetch(url):
    import html
    import urllib.request

    with urllib.request.urlopen(html.unescape(url)) as response:  # moto on 127.0.0.1
        return response.read()


def test_twenty_gps_photos_reach_nobody_else_with_their_location(aws, user, bob, settings):
    from accounts.models import ApiToken
    from gallery.tests.factories import camera_exif, image_bytes, location_of, upload

    settings.PHOTOSHARE_PAGE_SIZE = 30
    owner = Client()
    owner.force_login(user)
    api = Client(headers={"Authorization": f"Token {ApiToken.issue(user)}"})
    originals = {}
    for n in range(20):
        data = image_bytes(format="JPEG", size=(160, 120), exif=camera_exif(orientation=1 + n % 8))
        assert location_of(data)  # the test photo does carry a position
        fields = {"title": f"Trip {n}", "tags": "trip", "image": upload(f"trip{n}.jpg", data)}
        response = (owner if n % 2 else api).post("/upload/" if n % 2 else "/api/photos/", fields)
        assert response.status_code in (201, 302)
        originals[n] = data
    ids = {photo.id for photo in [*_stored(aws)]}
    assert len(ids) == 20

    another = Client()
    another.force_login(bob)
    for who, client in {"anonymous": Client(), "another user": another}.items():
        texts = [client.get(path).content.decode() for path in ("/", "/tags/trip/", "/users/alice/")]
        texts += [client.get(f"/photos/{photo_id}/").content.decode() for photo_id in ids]
        texts += [client.get("/api/photos/?tag=trip").content.decode()]
        texts += [client.get(f"/api/photos/{photo_id}/").content.decode() for photo_id in ids]
        urls = _media_urls("\n".join(texts))
        assert not [url for url in urls if "/original." in url], who
        assert {url.split("/photos/")[1][:32] for url in urls if "/shared." in url} == ids, who
        carrying = [url for url in urls if location_of(_fetch(url))]
        assert carrying == [], who

    mine = [owner.get(f"/photos/{photo_id}/").content.decode() for photo_id in ids]
    downloads = sorted(_fetch(url) for url in _media_urls("\n".join(mine)) if "/original." in url)
    assert downloads == sorted(originals.values())  # byte-identical, GPS and all


def _stored(aws):
    from gallery.storage import dynamodb

    return dynamodb.photo_repository().list_page("ALL", limit=100).items


def test_an_owner_may_share_the_original_of_one_photo(aws, user, bob):
    from gallery.tests.factories import camera_exif, image_bytes

    data = image_bytes(size=(160, 120), exif=camera_exif())
    shared = publish(user, title="Shared", data=data)
    kept = publish(user, title="Kept", data=data)
    owner = Client()
    owner.force_login(user)
    form = {"title": "Shared", "tags": "", "visibility": "public", "share_original": "on", "revision": 0}
    assert owner.post(f"/photos/{shared.id}/edit/", form).status_code == 302

    visitor = Client()
    assert f"/photos/{shared.id}/original.jpg?" in visitor.get(f"/photos/{shared.id}/").content.decode()
    assert "/original." not in visitor.get(f"/photos/{kept.id}/").content.decode()
    body = visitor.get(f"/api/photos/{shared.id}/").json()
    assert body["share_original"] is True and body["full_size"]["metadata"] == "kept"
    assert visitor.get(f"/api/photos/{kept.id}/").json()["original"] is None
