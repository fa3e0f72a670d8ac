"""POST /photos/batch/ (gallery.web.views.batch), what the select mode's action bar posts: each
photo's outcome as messages on the page the user came from; the grids carry the bar."""

import pytest

from gallery.services import albums
from gallery.storage.dynamodb import photo_repository
from gallery.tests.factories import make_photo

pytestmark = pytest.mark.django_db


@pytest.fixture
def photos(aws, user, bob):
    made = [make_photo(1, owner_id=user.pk), make_photo(2, owner_id=user.pk), make_photo(3, owner_id=bob.pk)]
    for photo in made:
        photo_repository().put_photo(photo)
    return made


def messages_of(response):
    return [str(message) for message in response.context["messages"]]


def test_add_tags_reports_each_photos_outcome_on_the_page_it_came_from(logged_in_client, photos):
    response = logged_in_client.post(
        "/photos/batch/",
        {
            "action": "add_tags",
            "tags": "harbour, night",
            "photo_ids": [p.id for p in photos],
            "next": "/tags/sea/",
        },
        follow=True,
    )

    assert response.redirect_chain == [("/tags/sea/", 302)]
    assert messages_of(response) == [
        "Done for 2 photos.",
        "1 photo not changed: Only the owner can change this photo.",
    ]
    assert photo_repository().get_photo(photos[0].id).tags == ["sea", "harbour", "night"]


def test_add_to_album_trash_and_a_batch_refused_whole(logged_in_client, user, photos):
    album = albums.create(user, title="Harbour")
    own = [photos[0].id, photos[1].id]

    added = logged_in_client.post(
        "/photos/batch/", {"action": "add_to_album", "album_id": album.id, "photo_ids": own}, follow=True
    )
    no_tags = logged_in_client.post("/photos/batch/", {"action": "add_tags", "photo_ids": own}, follow=True)
    trashed = logged_in_client.post("/photos/batch/", {"action": "trash", "photo_ids": own[:1]}, follow=True)

    assert messages_of(added) == ["Done for 2 photos."]
    assert messages_of(no_tags) == ["Type one or more tags."]
    assert messages_of(trashed) == ["Done for 1 photo."]
    assert trashed.redirect_chain == [("/users/alice/", 302)]  # no `next`: the user's own page
    assert [card.id for card in albums.page(user, album.id).items] == own[1:]


def test_a_foreign_next_is_not_followed_and_signed_out_is_sent_to_log_in(client, logged_in_client, photos):
    response = logged_in_client.post(
        "/photos/batch/", {"action": "trash", "photo_ids": [photos[0].id], "next": "https://evil.example/"}
    )
    assert response["Location"] == "/users/alice/"
    client.logout()
    assert client.post("/photos/batch/", {"action": "trash", "photo_ids": [photos[1].id]}).status_code == 302
    assert not photo_repository().get_photo(photos[1].id).trashed_at


def test_every_grid_carries_the_select_bar_hidden_until_its_script_shows_it(logged_in_client, user, photos):
    album = albums.create(user, title="Harbour")
    albums.add_photo(user, album, photos[0].id)

    for url in ("/", "/users/alice/", "/tags/sea/", "/search/?q=photo", f"/albums/{album.id}/"):
        page = logged_in_client.get(url).content.decode()
        assert "data-select-toolbar hidden" in page and 'class="select-bar" data-select' in page, url
        assert f'data-photo-id="{photos[0].id}"' in page, url
        assert "js/select." in page, url
        # The albums of "Add to album" come when select mode opens (select.js asks /api/albums/).
        assert 'data-albums="/api/albums/" hidden' in page and "Harbour</option>" not in page, url


def test_signed_out_the_grid_is_links_only(client, photos):
    page = client.get("/").content.decode()

    assert "data-select" not in page.replace("data-select-grid", "")
    assert f'href="/photos/{photos[0].id}/' in page
