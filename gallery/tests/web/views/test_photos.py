"""A photo's pages through the site (gallery.web.views.photos): upload end to end (Django test client
-> S3 and DynamoDB on moto over HTTP), the photo page, and edit and delete: owner and staff may,
others get 403 (public) or 404 (private)."""

import html
import io
import re
from unittest import mock

import pytest
from django.core.files.storage import default_storage
from django.test import Client
from PIL import Image

from gallery.storage import dynamodb
from gallery.tests.factories import (
    client_for,
    exif_with,
    full_camera_exif,
    image_bytes,
    make_photo,
    noise_image_bytes,
    upload,
)
from gallery.tests.publishing import publish

pytestmark = pytest.mark.django_db


def post_upload(client, **fields):
    data = {"title": "Harbour at dusk", "description": "Boats coming home.", "tags": "Sea, boats sea"}
    data.update(fields)
    data.setdefault("image", upload())
    return client.post("/upload/", data)


def photo_id_from(response):
    return re.fullmatch(r"/photos/([0-9a-f]{32})/", response["Location"]).group(1)


def edit(client, photo, **fields):
    data = {
        "title": photo.title,
        "description": "",
        "tags": ", ".join(photo.tags),
        "visibility": "public",
        "revision": photo.revision,
    }
    data.update(fields)
    return client.post(f"/photos/{photo.id}/edit/", data)


def test_upload_stores_both_objects_and_the_item_and_shows_the_photo(aws, logged_in_client, user):
    data = image_bytes(size=(1200, 800), exif=exif_with(orientation=6, gps=True))

    response = post_upload(logged_in_client, image=upload("harbour.jpg", data))

    assert response.status_code == 302
    photo_id = photo_id_from(response)
    original, thumbnail = f"photos/{photo_id}/original.jpg", f"photos/{photo_id}/thumb.jpg"
    display = f"photos/{photo_id}/display.jpg"  # the photo page's size: see test_renditions.py
    shared = f"photos/{photo_id}/shared.jpg"  # the full size others get: see test_location_privacy.py
    # The WebP sizes up to its own (800x1200 upright): never enlarged.
    webp = [f"photos/{photo_id}/w{size}.webp" for size in (1200, 400, 800)]
    cards = [f"photos/{photo_id}/c{size}.webp" for size in (1100, 400, 700)]  # c1100: its 800 px square
    assert aws.object_keys() == [*cards, display, original, shared, thumbnail, *webp]
    assert aws.head(original)["ContentType"] == "image/jpeg"
    assert aws.head(thumbnail)["ContentType"] == "image/jpeg"
    assert aws.head(webp[0])["ContentType"] == "image/webp"
    assert aws.read(original) == data
    stored_thumbnail = Image.open(io.BytesIO(aws.read(thumbnail)))
    assert stored_thumbnail.size == (267, 400)  # orientation 6 applied: portrait
    assert not stored_thumbnail.getexif()

    photo = dynamodb.photo_repository().get_photo(photo_id)
    assert photo.title == "Harbour at dusk"
    assert photo.description == "Boats coming home."
    assert photo.tags == ["sea", "boats"]
    assert (photo.owner_id, photo.owner_username) == (user.pk, "alice")
    assert (photo.width, photo.height, photo.original_bytes) == (800, 1200, len(data))
    assert (photo.thumbnail_width, photo.thumbnail_height) == (267, 400)

    page = logged_in_client.get(response["Location"])
    assert page.status_code == 200
    assert "“Harbour at dusk” is uploaded." in page.content.decode()
    for text in ("Harbour at dusk", "Boats coming home.", "alice", "sea", "boats"):
        assert text in page.content.decode()

    gallery = logged_in_client.get("/").content.decode()
    assert f'href="/photos/{photo_id}/?from=feed"' in gallery  # opened from the feed: its prev/next
    assert "Harbour at dusk" in gallery and "by alice" in gallery and '">boats</a></li>' in gallery
    assert f"/photos/{photo_id}/thumb.jpg?" in gallery  # presigned: the bucket stays private


def test_the_detected_format_decides_key_and_content_type_not_the_browser(aws, logged_in_client):
    png = image_bytes(format="PNG", size=(300, 200))

    response = post_upload(logged_in_client, image=upload("innocent.jpg", png, content_type="text/html"))

    photo_id = photo_id_from(response)
    assert aws.head(f"photos/{photo_id}/original.png")["ContentType"] == "image/png"


@pytest.mark.parametrize(
    ("case", "message"),
    [
        ("text named .jpg", "The file is not an image"),
        ("truncated jpeg", "damaged or incomplete"),
        ("over the size limit", "the limit is 10.0\xa0KB"),
        ("missing title", "This field is required."),
    ],
)
def test_rejected_uploads_show_a_form_error_and_store_nothing(aws, logged_in_client, settings, case, message):
    settings.PHOTOSHARE_MAX_UPLOAD_BYTES = 10 * 1024
    jpeg = image_bytes(size=(400, 300))
    fields = {
        "text named .jpg": {"image": upload("notes.jpg", b"Dear diary, today I uploaded a text file.")},
        "truncated jpeg": {"image": upload("cut.jpg", jpeg[: len(jpeg) // 2])},
        "over the size limit": {"image": upload("big.png", noise_image_bytes(size=(100, 100)))},
        "missing title": {"image": upload("ok.jpg", jpeg), "title": ""},
    }[case]

    response = post_upload(logged_in_client, **fields)

    # A file over the limit is stopped while streaming (gallery.web.body_limits): 413 Content Too Large.
    assert response.status_code == (413 if case == "over the size limit" else 400)
    assert message in response.content.decode()
    assert aws.object_keys() == []
    assert aws.table_items() == []


def test_upload_requires_login(aws, client):
    assert client.get("/upload/")["Location"] == "/accounts/login/?next=/upload/"

    response = post_upload(client)

    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    assert aws.object_keys() == []


def test_failed_thumbnail_store_leaves_no_orphan_and_asks_to_retry(aws, logged_in_client):
    real_save = default_storage.save

    def fail_on_thumbnail(name, content, *args, **kwargs):
        if name.endswith("thumb.jpg"):
            raise OSError("S3 went away")
        return real_save(name, content, *args, **kwargs)

    with mock.patch.object(default_storage, "save", side_effect=fail_on_thumbnail):
        response = post_upload(logged_in_client)

    assert response.status_code == 503
    assert "could not be stored. Please try again." in response.content.decode()
    assert aws.object_keys() == []
    assert aws.table_items() == []


def test_failed_metadata_write_removes_the_stored_objects(aws, logged_in_client):
    table = dynamodb.photo_repository()
    with mock.patch.object(table, "put_photo", side_effect=dynamodb.MetadataUnavailable("down")):
        response = post_upload(logged_in_client)

    assert response.status_code == 503
    assert aws.object_keys() == []


@pytest.mark.parametrize("path", [f"/photos/{'0' * 32}/", "/photos/not-an-id/"])
def test_unknown_photo_is_a_404_page(aws, client, path):
    response = client.get(path)

    assert response.status_code == 404
    assert "Not found" in response.content.decode()


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
    assert dynamodb.photo_repository().get_photo(photo.id).title == "Harbour"


def test_owner_deletes_the_photo_to_the_trash_then_for_good_with_every_object_and_item(
    aws, logged_in_client, user
):
    kept = publish(user, title="Kept", tags="sea")
    photo = publish(user, title="Gone", tags="sea")
    assert len(aws.object_keys()) == 12  # 6 objects each (publish's small image: one WebP, one card)

    confirmation = logged_in_client.get(f"/photos/{photo.id}/delete/").content.decode()
    assert "goes to your trash" in confirmation and "30 days" in confirmation
    response = logged_in_client.post(f"/photos/{photo.id}/delete/")

    assert response.status_code == 302 and response["Location"] == "/users/alice/"
    assert Client().get(f"/photos/{photo.id}/").status_code == 404
    assert "Gone" not in Client().get("/tags/sea/").content.decode()
    assert "is in the trash" in logged_in_client.get("/users/alice/").content.decode()  # the message
    assert "Gone" not in logged_in_client.get("/users/alice/").content.decode()
    assert logged_in_client.get(f"/photos/{photo.id}/")["Location"] == "/trash/"  # the owner's
    assert "Gone" in logged_in_client.get("/trash/").content.decode()
    assert len(aws.object_keys()) == 12  # restorable

    assert logged_in_client.post(f"/trash/{photo.id}/delete/")["Location"] == "/trash/"

    assert aws.object_keys() == sorted(kept.object_keys)
    assert not [item for item in aws.table_items() if item["pk"] == f"PHOTO#{photo.id}"]
    assert Client().get(f"/photos/{photo.id}/").status_code == 404
    assert "Gone" not in Client().get("/tags/sea/").content.decode()
    assert dynamodb.photo_repository().tag_count("sea") == 1


def test_a_failed_object_delete_still_removes_the_photo_and_a_retry_is_harmless(
    aws, logged_in_client, user, monkeypatch
):
    photo = publish(user, title="Gone")

    def s3_down(key):
        raise OSError("S3 went away")

    logged_in_client.post(f"/photos/{photo.id}/delete/")  # to the trash
    monkeypatch.setattr(default_storage, "delete", s3_down)
    response = logged_in_client.post(f"/trash/{photo.id}/delete/")

    # The item went first: the photo is gone from the site, the objects wait for reconciliation.
    assert response.status_code == 302
    assert Client().get(f"/photos/{photo.id}/").status_code == 404
    assert aws.object_keys() == sorted(photo.object_keys)
    monkeypatch.undo()
    assert logged_in_client.post(f"/trash/{photo.id}/delete/").status_code == 404


def test_a_failed_item_delete_keeps_everything(aws, logged_in_client, user, monkeypatch):
    photo = publish(user, title="Kept")

    def dynamodb_down(*args, **kwargs):
        raise dynamodb.MetadataUnavailable("down")

    monkeypatch.setattr("gallery.storage.dynamodb.transactions.Transaction.commit", dynamodb_down)
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
    assert dynamodb.photo_repository().get_photo(photo.id) == photo
    assert len(aws.object_keys()) == 6


@pytest.mark.parametrize("action", ["edit", "delete"])
def test_another_users_private_photo_is_a_404_for_every_action(aws, user, bob, action):
    photo = publish(user, title="Secret", visibility="private")
    intruder = client_for(bob)

    assert intruder.get(f"/photos/{photo.id}/").status_code == 404
    assert intruder.post(f"/photos/{photo.id}/{action}/", {"title": "x"}).status_code == 404
    assert dynamodb.photo_repository().get_photo(photo.id) == photo


def test_anonymous_posts_go_to_the_login_page(aws, client, user):
    photo = publish(user)

    response = client.post(f"/photos/{photo.id}/delete/")

    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    assert len(aws.object_keys()) == 6


def test_csrf_is_enforced_on_delete(aws, user):
    photo = publish(user)
    client = client_for(user, enforce_csrf_checks=True)

    assert client.post(f"/photos/{photo.id}/delete/").status_code == 403
    assert len(aws.object_keys()) == 6


def test_staff_can_edit_and_delete_other_peoples_public_photos(aws, user, django_user_model):
    staff = django_user_model.objects.create_user(username="mod", password="x" * 12, is_staff=True)
    photo = publish(user, title="Spam", tags="ads")
    moderator = client_for(staff)

    assert edit(moderator, photo, title="Renamed").status_code == 302
    assert dynamodb.photo_repository().get_photo(photo.id).title == "Renamed"
    assert moderator.post(f"/photos/{photo.id}/delete/").status_code == 302
    # Into its owner's trash (the admin deletes for good): the owner can still restore it.
    assert "Renamed" in client_for(user).get("/trash/").content.decode()
    assert len(aws.object_keys()) == 6


# --- the viewer: previous and next of the list it was opened from -------------------------------
def links(page, rel):
    """The href of each <a rel="..."> of a page."""
    return [html.unescape(href) for href in re.findall(rf'<a rel="{rel}" href="([^"]+)"', page)]


@pytest.fixture
def three(aws, user):
    """Three public photos tagged sea, oldest first; the middle one also tagged city."""
    return [
        publish(user, title="Sea one", tags="sea"),
        publish(user, title="Sea two", tags="sea, city"),
        publish(user, title="Sea three", tags="sea"),
    ]


def test_a_photo_opened_from_a_list_links_its_previous_and_next_without_javascript(three, client):
    oldest, middle, newest = three
    home = client.get("/").content.decode()
    assert f'href="/photos/{middle.id}/?from=feed"' in home

    page = client.get(f"/photos/{middle.id}/?from=feed").content.decode()

    # The feed is newest first: the previous photo is the newer one.
    assert links(page, "prev") == [f"/photos/{newest.id}/?from=feed"]
    assert links(page, "next") == [f"/photos/{oldest.id}/?from=feed"]
    assert 'class="viewer-list" href="/">Newest photos</a>' in page
    assert '<script src="/static/js/viewer' in page and "<script>" not in page  # CSP: no inline script


def test_prev_and_next_follow_the_list_named_in_the_url(three, client, user):
    oldest, middle, newest = three

    tag_page = client.get(f"/photos/{middle.id}/?from=tag:city").content.decode()
    user_page = client.get(f"/photos/{newest.id}/?from=user:alice").content.decode()
    search_page = client.get(f"/photos/{oldest.id}/?from=search:sea").content.decode()

    assert links(tag_page, "prev") == links(tag_page, "next") == []  # alone under #city
    assert 'href="/tags/city/">#city</a>' in tag_page
    assert links(user_page, "prev") == []
    assert links(user_page, "next") == [f"/photos/{middle.id}/?from=user:alice"]
    # Title order: "sea one" < "sea three" < "sea two".
    assert links(search_page, "prev") == []
    assert links(search_page, "next") == [f"/photos/{newest.id}/?from=search:sea"]


def test_prev_and_next_of_a_word_search_follow_its_results_each_photo_once(aws, client, user):
    # Results for "sun": "sunny sunset" (its "sunset" token is a repeat), "sunrise", "sunset".
    sunny = publish(user, title="Sunny sunset")
    sunset = publish(user, title="Old town sunset")
    sunrise = publish(user, title="Harbour sunrise")

    def around(photo):
        page = client.get(f"/photos/{photo.id}/?from=search:sun").content.decode()
        return links(page, "prev"), links(page, "next")

    def url(photo):
        return f"/photos/{photo.id}/?from=search:sun"

    assert around(sunny) == ([], [url(sunrise)])
    assert around(sunrise) == ([url(sunny)], [url(sunset)])
    assert around(sunset) == ([url(sunrise)], [])


def test_a_photo_page_is_one_read_of_the_photo_and_its_favourites_and_a_query_each_way(
    three, client, dynamodb_calls
):
    dynamodb_calls.clear()

    client.get(f"/photos/{three[1].id}/?from=feed")

    # The photo and its favourites (one BatchGetItem), one bounded Query each way, and one
    # Query for the first page of its comments.
    assert sorted(dynamodb_calls) == ["BatchGetItem", "Query", "Query", "Query"]


@pytest.mark.parametrize(
    "source",
    ["", "tag:unknown", "tag:Sea", "user:nobody", "search:x", "favorites:alice", "album:1", "x" * 300],
)
def test_no_links_for_a_list_that_is_unknown_malformed_or_not_the_visitors(three, client, source):
    page = client.get(f"/photos/{three[1].id}/", {"from": source})

    assert page.status_code == 200
    assert links(page.content.decode(), "prev") == links(page.content.decode(), "next") == []


def test_a_visitor_never_walks_into_the_owners_private_photos(aws, user, client):
    public = publish(user, title="Public one")
    publish(user, title="Private one", visibility="private")
    newest = publish(user, title="Public two")

    visitor = client.get(f"/photos/{newest.id}/?from=user:alice").content.decode()
    owner = client_for(user).get(f"/photos/{newest.id}/?from=user:alice").content.decode()

    assert links(visitor, "next") == [f"/photos/{public.id}/?from=user:alice"]  # the private one skipped
    assert links(owner, "next") != links(visitor, "next")  # the owner's own list holds it


def test_the_photo_is_fitted_to_the_viewport_and_opens_full_screen_without_javascript(three, client):
    page = client.get(f"/photos/{three[0].id}/").content.decode()

    display = re.search(r'<a class="viewer-full" href="([^"]+)"', page).group(1)
    assert f"/photos/{three[0].id}/display.jpg" in display  # the image alone, without JavaScript


# --- the EXIF panel -----------------------------------------------------------------------------
def test_the_exif_panel_shows_how_the_photo_was_taken_and_never_where(aws, user, client):
    data = image_bytes(size=(120, 80), exif=full_camera_exif(gps=True))
    photo = publish(user, title="Shot", data=data)

    page = client.get(f"/photos/{photo.id}/").content.decode()

    for css_class, text in [
        ("taken", "July 1, 2024, 6:30 p.m."),
        ("camera", "Canon EOS R6"),
        ("lens", "Canon RF35mm F1.8 MACRO IS STM"),
        ("exposure", "1/250 s"),
        ("aperture", "f/2.8"),
        ("focal-length", "35 mm"),
        ("iso", "400"),
    ]:
        assert f'<dd class="{css_class}">{text}</dd>' in page
    for where in ("GPS", "48.0", "Latitude", "Location"):
        assert where not in page


def test_a_photo_stored_before_the_shot_facts_existed_still_renders(aws, user, client):
    photo = make_photo(1, owner_id=user.pk)
    dynamodb.photo_repository().put_photo(photo)
    item = dynamodb.get_connection().table.get_item(Key={"pk": f"PHOTO#{photo.id}", "sk": "PHOTO"})["Item"]
    for name in ("lens", "exposure", "aperture", "focal_length", "iso"):
        del item[name]
    dynamodb.get_connection().table.put_item(Item=item)

    page = client.get(f"/photos/{photo.id}/")

    assert page.status_code == 200
    assert 'class="lens"' not in page.content.decode() and "<dt>Uploaded</dt>" in page.content.decode()


# --- link previews --------------------------------------------------------------------------------
def test_open_graph_and_twitter_tags_preview_the_photo_with_absolute_urls(aws, user, client):
    photo = publish(user, title="Harbour <at> dusk", description="Boats\ncoming home.")

    page = client.get(f"/photos/{photo.id}/?from=feed").content.decode()

    def meta(attribute, name):
        return html.unescape(re.search(rf'<meta {attribute}="{name}" content="([^"]*)">', page).group(1))

    assert meta("property", "og:title") == "Harbour <at> dusk"
    assert meta("property", "og:description") == "Boats coming home."
    assert meta("property", "og:url") == f"http://testserver/photos/{photo.id}/"  # without ?from
    image = meta("property", "og:image")
    assert image.startswith("http") and f"/photos/{photo.id}/display.jpg" in image
    assert meta("name", "twitter:card") == "summary_large_image"  # the rest from og: tags
    assert "<at>" not in page  # escaped everywhere


# --- favourites on the site -----------------------------------------------------------------------
def test_the_favourite_button_works_without_javascript_and_returns_to_the_list(three, bob):
    fan = client_for(bob)
    photo = three[1]

    response = fan.post(f"/photos/{photo.id}/favorite/", {"favorite": "on", "from": "tag:sea"})

    assert response.status_code == 302
    assert response["Location"] == f"/photos/{photo.id}/?from=tag:sea"
    page = fan.get(response["Location"]).content.decode()
    assert 'value="off" class="favorite is-on" aria-pressed="true"' in page
    assert "1 favourite<" in page
    favourites = fan.get("/favorites/").content.decode()
    assert "Sea two" in favourites and f'href="/photos/{photo.id}/?from=favorites"' in favourites

    fan.post(f"/photos/{photo.id}/favorite/", {"favorite": "off"})

    assert "Sea two" not in fan.get("/favorites/").content.decode()
    assert "0 favourites<" in fan.get(f"/photos/{photo.id}/").content.decode()


def test_the_favourite_form_is_csrf_protected(three, bob):
    fan = Client(enforce_csrf_checks=True)
    fan.force_login(bob)

    response = fan.post(f"/photos/{three[0].id}/favorite/", {"favorite": "on"})

    assert response.status_code == 403
    assert dynamodb.photo_repository().favorite_state(three[0].id, bob.pk).count == 0


def test_anonymous_visitors_are_asked_to_log_in_to_favourite(three, client):
    page = client.get(f"/photos/{three[0].id}/").content.decode()
    response = client.post(f"/photos/{three[0].id}/favorite/", {"favorite": "on"})

    assert "Log in to favourite" in page
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    assert client.get("/favorites/")["Location"].startswith("/accounts/login/")


def test_a_photo_turned_private_or_deleted_leaves_others_favourites(three, user, bob):
    fan = client_for(bob)
    for photo in three[:2]:
        fan.post(f"/photos/{photo.id}/favorite/", {"favorite": "on"})

    edit(client_for(user), three[0], visibility="private")
    client_for(user).post(f"/photos/{three[1].id}/delete/")

    favourites = fan.get("/favorites/").content.decode()
    assert "Sea one" not in favourites and "Sea two" not in favourites
    assert "No favourites yet" in favourites


def test_favourites_page_walks_prev_and_next_in_favourite_order(three, bob):
    fan = client_for(bob)
    for photo in three:
        fan.post(f"/photos/{photo.id}/favorite/", {"favorite": "on"})

    page = fan.get(f"/photos/{three[1].id}/?from=favorites").content.decode()

    assert links(page, "prev") == [f"/photos/{three[2].id}/?from=favorites"]
    assert links(page, "next") == [f"/photos/{three[0].id}/?from=favorites"]
