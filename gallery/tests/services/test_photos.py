"""Publishing a processed photo (gallery.services.photos) and what the photo page then shows."""

import re

import pytest

from gallery.domain import lists
from gallery.services import photos
from gallery.storage import dynamodb
from gallery.tests.direct_uploads import run_worker, upload_file
from gallery.tests.factories import camera_exif, image_bytes
from gallery.tests.publishing import publish


@pytest.mark.django_db
def test_photo_page_shows_display_size_date_taken_and_camera_never_gps(aws, client, user):
    photo = publish(user, title="Harbour", data=image_bytes(size=(2400, 1600), exif=camera_exif()))

    page = client.get(f"/photos/{photo.id}/").content.decode()

    assert f"/photos/{photo.id}/display.jpg?" in page and " 1600w" in page  # the JPEG fallback
    assert f"/photos/{photo.id}/thumb.jpg?" in page and " 400w, " in page  # srcset
    viewer = page.split('<figure class="viewer"')[1].split("</picture>")[0]
    assert '<source type="image/webp" srcset="http' in viewer and f"/photos/{photo.id}/w2000.webp?" in viewer
    # The largest size's width and height: the aspect ratio, known before it loads.
    assert 'width="2000" height="1333"' in viewer and 'fetchpriority="high"' in viewer
    assert 'loading="lazy"' not in viewer
    # A visitor's full size is the copy without metadata; the original is its owner's.
    assert f"/photos/{photo.id}/shared.jpg?" in page and "/original.jpg" not in page
    assert '<dd class="taken">July 1, 2024, 6:30 p.m.</dd>' in page  # the language's format
    assert '<dd class="camera">Canon EOS R6</dd>' in page
    facts = page.split('<dl class="facts">')[1].split("</dl>")[0]
    assert re.findall(r"<dt>(\w+)</dt>", facts) == ["Taken", "Camera", "Uploaded"]  # no place
    assert "GPS" not in page and "48.0" not in page
    home = client.get("/").content.decode()
    assert 'fetchpriority="high"' in home and " 1600w" in home and "/c400.webp?" in home  # the LCP card


@pytest.mark.django_db
def test_published_photo_records_the_processed_sizes_and_facts(aws, user):
    photo = publish(user, data=image_bytes(size=(4000, 3000), exif=camera_exif(orientation=6)))

    assert (photo.width, photo.height) == (3000, 4000)
    assert (photo.display_width, photo.display_height) == (1200, 1600)
    assert (photo.thumbnail_width, photo.thumbnail_height) == (300, 400)
    assert (photo.taken, photo.camera) == ("2024-07-01T18:30:05", "Canon EOS R6")
    assert photo.original_content_type == "image/jpeg" and photo.original_key.endswith("/original.jpg")
    assert photo.shared_key.endswith("/shared.jpg") and photo.shared_content_type == "image/jpeg"
    assert [(source["width"], source["height"], source["type"]) for source in photo.sources] == [
        (1500, 2000, "image/webp"),
        (1200, 1600, "image/webp"),
        (900, 1200, "image/webp"),
        (600, 800, "image/webp"),
        (300, 400, "image/webp"),
        # The cards': a portrait photo's centre square.
        (1100, 1100, "image/webp"),
        (700, 700, "image/webp"),
        (400, 400, "image/webp"),
    ]
    assert photo.sources[0]["key"] == f"photos/{photo.id}/w2000.webp"
    assert sorted(aws.object_keys()) == sorted(
        [photo.original_key, photo.shared_key, photo.display_key, photo.thumbnail_key]
        + [source["key"] for source in photo.sources]
    )


# --- direct uploads: photos.complete_upload / process_upload ----------------------------------
@pytest.mark.django_db
def test_a_redelivered_job_does_no_harm(aws, client, user):
    client.force_login(user)
    upload_id, _ = upload_file(client, tags="sea")
    assert run_worker() == 1
    keys, photo = aws.object_keys(), dynamodb.photo_repository().get_photo(upload_id)

    assert photos.process_upload(upload_id) == "ready"  # the same message, delivered again

    assert aws.object_keys() == keys
    assert dynamodb.photo_repository().get_photo(upload_id) == photo
    assert dynamodb.photo_repository().tag_count("sea") == 1
    assert dynamodb.photo_repository().photo_counts([user.pk]) == {user.pk: 1}


@pytest.mark.django_db
def test_a_processing_photo_counts_nowhere_until_it_is_ready(aws, client, user):
    client.force_login(user)
    upload_id, _ = upload_file(client, tags="sea", visibility="public")
    table = dynamodb.photo_repository()

    assert table.get_photo(upload_id).status == "processing"
    assert table.tag_count("sea") == 0 and table.photo_counts([user.pk]) == {user.pk: 0}
    assert table.list_page(lists.owner_list(user.pk)).items == []

    run_worker()
    assert table.tag_count("sea") == 1 and table.photo_counts([user.pk]) == {user.pk: 1}
    assert [card.id for card in table.list_page(lists.owner_list(user.pk)).items] == [upload_id]


@pytest.mark.django_db
def test_a_failed_photo_says_why_on_its_page_to_its_owner_only(aws, client, user, bob):
    client.force_login(user)
    upload_id, _ = upload_file(client, data=b"GIF89a but not really")
    run_worker()

    page = client.get(f"/photos/{upload_id}/")
    assert page.status_code == 200 and "could not be published" in page.content.decode()
    client.force_login(bob)
    assert client.get(f"/photos/{upload_id}/").status_code == 404
