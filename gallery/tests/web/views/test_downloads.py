"""Download pages (gallery.web.views.downloads): the photo page's and the album page's Download
buttons, POST /downloads/ with repeated photo_ids (the select-many form posts there), large
downloads through the worker and their status page, and the data export on the account page."""

import io
import zipfile

import pytest
from django.core import mail
from django.test import Client, override_settings

from gallery.domain.records import PRIVATE, UNLISTED
from gallery.services import albums, worker
from gallery.tests.services.test_downloads import stored_photo

pytestmark = pytest.mark.django_db


def zip_of(response):
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert response["Content-Disposition"].startswith("attachment;")
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    return {info.filename: archive.read(info) for info in archive.infolist()}


def test_the_photo_page_has_a_download_button_that_posts_the_photo(aws, logged_in_client, user):
    photo = stored_photo(aws, 1, user, title="Harbour")

    page = logged_in_client.get(f"/photos/{photo.id}/").content.decode()

    assert 'action="/downloads/"' in page and f'name="photo_ids" value="{photo.id}"' in page
    zipped = zip_of(logged_in_client.post("/downloads/", {"photo_ids": [photo.id]}))
    assert zipped == {f"Harbour-{photo.id}.jpg": b"ORIGINAL-1"}


def test_a_plain_form_posts_a_selection_and_others_get_what_they_may_see(aws, client, user):
    public, private = stored_photo(aws, 1, user), stored_photo(aws, 2, user, visibility=PRIVATE)

    zipped = zip_of(client.post("/downloads/", {"photo_ids": [public.id, private.id, "not-an-id"]}))

    assert zipped == {f"Photo 1-{public.id}.jpg": b"SHARED"}
    assert client.post("/downloads/", {"photo_ids": [private.id]}).status_code == 404
    assert client.get("/downloads/").status_code == 405


def test_a_download_needs_the_forms_csrf_token(aws, user):
    photo = stored_photo(aws, 1, user)
    browser = Client(enforce_csrf_checks=True)

    assert browser.post("/downloads/", {"photo_ids": [photo.id]}).status_code == 403


def test_the_album_page_downloads_its_photos_and_the_share_link_keeps_working(aws, client, user):
    secret = stored_photo(aws, 1, user, title="Cove", visibility=PRIVATE)
    album = albums.create(user, title="Trip", visibility=UNLISTED)
    albums.add_photo(user, album, secret.id)
    album = albums.visible(user, album.id)
    shared_url = f"/albums/{album.id}/s/{album.share_token}/"

    page = client.get(shared_url).content.decode()

    assert f'action="/albums/{album.id}/download/"' in page and album.share_token in page
    zipped = zip_of(client.post(f"/albums/{album.id}/download/", {"token": album.share_token}))
    assert zipped == {f"Cove-{secret.id}.jpg": b"SHARED"}
    assert client.post(f"/albums/{album.id}/download/").status_code == 404  # no link, no album


@override_settings(PHOTOSHARE_DOWNLOAD_INLINE_MAX_BYTES=10)
def test_a_large_selection_goes_to_the_worker_and_its_page_shows_the_link_when_ready(
    aws, logged_in_client, user, bob
):
    photos_ = [stored_photo(aws, number, user) for number in (1, 2)]

    response = logged_in_client.post("/downloads/", {"photo_ids": [photo.id for photo in photos_]})

    assert response.status_code == 302
    status_url = response["Location"]
    pending = logged_in_client.get(status_url)
    assert "being prepared" in pending.content.decode() and "data-status-url" in pending.content.decode()
    assert pending["Cache-Control"].startswith("max-age=0")
    worker.work(until_empty=True, wait_seconds=0)
    ready = logged_in_client.get(status_url).content.decode()
    assert "Download the zip" in ready and "archives/" in ready
    other = Client()
    other.force_login(bob)
    assert other.get(status_url).status_code == 404


def test_the_account_page_prepares_the_data_export_mails_it_and_shows_the_link(aws, logged_in_client, user):
    user.email = "alice@example.com"
    user.save()
    stored_photo(aws, 1, user)
    account = logged_in_client.get("/accounts/", follow=True).content.decode()  # the address page
    assert 'action="/accounts/export/"' in account and "Prepare my data for download" in account

    response = logged_in_client.post("/accounts/export/", HTTP_ACCEPT_LANGUAGE="ko")
    assert response.status_code == 302
    korean = logged_in_client.get("/accounts/", HTTP_ACCEPT_LANGUAGE="ko", follow=True)
    assert "데이터" in korean.content.decode()
    worker.work(until_empty=True, wait_seconds=0)

    account = logged_in_client.get("/accounts/", follow=True).content.decode()
    assert "Download my data" in account and "archives/" in account
    assert len(mail.outbox) == 1 and "archives/" in mail.outbox[0].body
    assert logged_in_client.get("/accounts/export/").status_code == 405
    assert Client().post("/accounts/export/").status_code == 302  # to the login page
