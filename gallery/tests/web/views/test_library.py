"""The owner's timeline (/me/timeline/): their photos by date taken under month headers."""

import re

import pytest

from gallery.domain import lists
from gallery.services import photos, timeline
from gallery.storage import dynamodb
from gallery.storage.dynamodb import schema
from gallery.storage.dynamodb.connection import get_connection
from gallery.tests.factories import camera_exif, image_bytes
from gallery.tests.publishing import publish

pytestmark = pytest.mark.django_db


def shot(owner, title, when, visibility="public"):
    """A photo whose camera wrote `when` ("2024:07:01 18:30:05")."""
    return publish(owner, title=title, visibility=visibility, data=image_bytes(exif=camera_exif(taken=when)))


def months_and_titles(page):
    """[(month header, [titles of its photos])] as the page shows them."""
    sections = re.findall(
        r'<section class="timeline-month".*?<h2[^>]*>([^<]+)</h2>(.*?)</section>', page, re.S
    )
    return [(header, re.findall(r'<img[^>]* alt="([^"]*)"', body)) for header, body in sections]


def test_the_timeline_shows_the_owners_photos_by_date_taken_under_month_headers(aws, client, user, bob):
    shot(user, "Beach", "2024:07:20 10:00:00")
    shot(user, "Snow", "2023:12:24 09:00:00", visibility="private")  # the owner's own: shown
    shot(user, "Harbour", "2024:07:02 18:30:00")
    shot(user, "Spring", "2024:04:01 12:00:00")
    shot(bob, "Not hers", "2024:07:10 12:00:00")
    client.force_login(user)

    page = client.get("/me/timeline/").content.decode()

    assert months_and_titles(page) == [
        ("July 2024", ["Beach", "Harbour"]),
        ("April 2024", ["Spring"]),
        ("December 2023", ["Snow"]),
    ]


def test_a_photo_without_a_date_is_placed_at_its_upload_and_an_edit_moves_it(aws, client, user, clock):
    undated = publish(user, title="Scan")  # no EXIF: the upload time (the test clock's day)
    shot(user, "Old", "2001:01:01 00:00:00")
    client.force_login(user)
    first = months_and_titles(client.get("/me/timeline/").content.decode())
    assert [titles for _month, titles in first] == [["Scan"], ["Old"]]

    response = client.post(
        f"/photos/{undated.id}/edit/",
        {
            "title": "Scan",
            "visibility": "public",
            "taken": "1999-05-06 07:08+09:00",
            "revision": undated.revision,
        },
    )
    assert response.status_code == 302
    assert photos.visible(user, undated.id).taken == "1999-05-06T07:08:00+09:00"

    assert months_and_titles(client.get("/me/timeline/").content.decode()) == [
        ("January 2001", ["Old"]),
        ("May 1999", ["Scan"]),
    ]


@pytest.mark.parametrize("typed", ["yesterday", "2024-07-01", "2024:07:01 18:30:00", "2024-02-30 10:00"])
def test_the_edit_form_refuses_a_date_it_cannot_read_and_keeps_the_photo(aws, client, user, typed):
    photo = shot(user, "Beach", "2024:07:20 10:00:00")
    client.force_login(user)

    response = client.post(
        f"/photos/{photo.id}/edit/",
        {"title": "Changed", "visibility": "public", "taken": typed, "revision": photo.revision},
    )

    assert response.status_code == 400
    assert "Enter a date and time such as" in response.content.decode()
    assert photos.visible(user, photo.id).title == "Beach"


def test_jumping_to_a_month_starts_at_its_newest_photo_and_pages_on(aws, client, user, settings):
    settings.PHOTOSHARE_PAGE_SIZE = 2
    for month in ("01", "02", "03", "05", "06"):
        shot(user, f"M{month}", f"2024:{month}:15 12:00:00")
    client.force_login(user)

    page = client.get("/me/timeline/?month=2024-04").content.decode()  # no photo in April: March on
    assert [titles for _month, titles in months_and_titles(page)] == [["M03"], ["M02"]]
    assert '<option value="2024-04" selected>' in page
    following = re.search(r'rel="next" href="([^"]+)"', page).group(1).replace("&amp;", "&")
    assert [t for _m, t in months_and_titles(client.get(f"/me/timeline/{following}").content.decode())] == [
        ["M01"]
    ]


@pytest.mark.parametrize("month", ["2024-13", "July", "2024-7"])
def test_a_month_that_is_not_one_is_a_400(aws, client, user, month):
    client.force_login(user)
    assert client.get(f"/me/timeline/?month={month}").status_code == 400


def test_the_timeline_is_for_signed_in_people_only(aws, client):
    response = client.get("/me/timeline/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_a_timeline_page_costs_the_same_queries_whatever_the_library_size(
    aws, client, user, settings, dynamodb_calls
):
    settings.PHOTOSHARE_PAGE_SIZE = 3
    client.force_login(user)
    calls = {}
    for count in (3, 12):
        while len(dynamodb.photo_repository().list_page(lists.taken_list(user.pk), limit=100).items) < count:
            publish(user)
        dynamodb_calls.clear()
        assert client.get("/me/timeline/").status_code == 200
        calls[count] = list(dynamodb_calls)

    # The page, then the newest and the oldest photo for the jump: one Limit=1 Query each; the
    # header's notification bell: one GetItem.
    assert sorted(calls[3]) == sorted(calls[12]) == ["GetItem", "Query", "Query", "Query"]


def test_the_backfill_gives_photos_stored_before_their_date_and_card_once(aws, user):
    exif_photo = shot(user, "Camera", "2024:07:20 10:00:00")
    plain = publish(user, title="Scan")
    table = get_connection().table
    # As stored before: EXIF's own text, or nothing, and no timeline card.
    table.update_item(
        Key=schema.photo_key(exif_photo.id),
        UpdateExpression="SET taken = :t",
        ExpressionAttributeValues={":t": "2024:07:20 10:00:00"},
    )
    table.update_item(
        Key=schema.photo_key(plain.id),
        UpdateExpression="SET taken = :t",
        ExpressionAttributeValues={":t": ""},
    )
    for photo in (exif_photo, plain):
        table.delete_item(Key=schema.card_key(photo.id, lists.taken_list(user.pk), ""))

    assert timeline.backfill_taken() == (2, 0)
    assert timeline.backfill_taken() == (0, 0)  # idempotent

    cards = dynamodb.photo_repository().list_page(lists.taken_list(user.pk)).items
    assert [(card.title, card.taken) for card in cards] == [
        ("Scan", plain.taken),  # uploaded now
        ("Camera", "2024-07-20T10:00:00"),
    ]
