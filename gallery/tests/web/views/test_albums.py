"""Album pages through the site (gallery.web.views.albums): the owner's list, create, the album page
in order, edit, add (from the album and from a photo), remove, reorder, cover, share links and
delete; others get 404 for albums they may not see. Each page is one DynamoDB Query."""

import re

import pytest
from django.test import Client

from gallery.domain.records import PRIVATE, PUBLIC, UNLISTED
from gallery.services import albums
from gallery.storage.dynamodb import photo_repository
from gallery.tests.factories import make_photo

pytestmark = pytest.mark.django_db


@pytest.fixture
def own_photos(aws, user):
    made = [
        make_photo(1, owner_id=user.pk, title="Harbour"),
        make_photo(2, owner_id=user.pk, title="Secret cove", visibility=PRIVATE),
        make_photo(3, owner_id=user.pk, title="Lighthouse"),
    ]
    for photo in made:
        photo_repository().put_photo(photo)
    return made


@pytest.fixture
def album(user, own_photos):
    album = albums.create(user, title="Summer", description="By the sea", visibility=PUBLIC)
    for photo in own_photos:
        albums.add_photo(user, album, photo.id)
    return albums.visible(user, album.id)


def client_for(user):
    client = Client()
    client.force_login(user)
    return client


def card_titles(response):
    return re.findall(r'<a class="title" href="[^"]*">([^<]*)</a>', response.content.decode())


def test_creating_an_album_leads_to_its_page(logged_in_client, aws):
    response = logged_in_client.post(
        "/albums/new/", {"title": "  Winter  ", "description": "", "visibility": "unlisted"}
    )

    album_id = re.fullmatch(r"/albums/([0-9a-f]{32})/", response["Location"]).group(1)
    page = logged_in_client.get(response["Location"])
    assert "<h1>Winter</h1>" in page.content.decode()
    assert f"/albums/{album_id}/s/" in page.content.decode()  # the share link, for the owner
    assert "The album “Winter” is made." in page.content.decode()


def test_a_bad_album_form_is_a_400_with_the_message(logged_in_client, aws):
    response = logged_in_client.post("/albums/new/", {"title": "", "visibility": "everyone"})

    assert response.status_code == 400
    assert "This field is required." in response.content.decode()
    assert "Select a valid choice." in response.content.decode()


def test_the_album_page_shows_the_photos_in_order_in_one_query(client, user, album, dynamodb_calls):
    owner = client_for(user)

    dynamodb_calls.clear()
    response = owner.get(f"/albums/{album.id}/")
    # The album's entries and the header's notification bell (one GetItem on every signed-in
    # page); the owner's albums for "Add to album" only when select mode opens (select.js).
    assert dynamodb_calls == ["Query", "GetItem"]
    assert card_titles(response) == ["Harbour", "Secret cove", "Lighthouse"]
    assert "By the sea" in response.content.decode()

    dynamodb_calls.clear()
    response = client.get(f"/albums/{album.id}/")  # anyone: the public photos
    assert dynamodb_calls == ["Query"]
    assert card_titles(response) == ["Harbour", "Lighthouse"]
    assert "Make cover" not in response.content.decode()


def test_the_later_pages_of_an_album_follow_its_cursor(client, album, settings):
    settings.PHOTOSHARE_PAGE_SIZE = 2
    first = client.get(f"/albums/{album.id}/")
    cursor = re.search(r'rel="next" href="\?cursor=([^"]+)"', first.content.decode()).group(1)

    second = client.get(f"/albums/{album.id}/?cursor={cursor}")

    assert card_titles(second) == ["Lighthouse"]
    assert client.get(f"/albums/{album.id}/?cursor=forged").status_code == 400


@pytest.mark.parametrize("visibility", [PRIVATE, UNLISTED])
def test_others_get_404_for_private_and_unlisted_albums_everywhere(client, bob, user, album, visibility):
    album = albums.edit(album, visibility=visibility)
    other = client_for(bob)

    for path in ("", "edit/", "delete/", "add/"):
        assert other.get(f"/albums/{album.id}/{path}").status_code == 404
        assert client.get(f"/albums/{album.id}/{path}").status_code in (302, 404)
    assert client.get(f"/albums/{album.id}/").status_code == 404
    for path in ("cover/", "share/", f"photos/{'0' * 31}1/remove/", f"photos/{'0' * 31}1/move/"):
        assert other.post(f"/albums/{album.id}/{path}").status_code == 404
    assert other.post(f"/albums/{album.id}/delete/").status_code == 404
    assert albums.visible(user, album.id).title == "Summer"


def test_others_may_see_but_not_change_a_public_album(bob, album):
    other = client_for(bob)

    assert other.get(f"/albums/{album.id}/edit/").status_code == 403
    assert other.post(f"/albums/{album.id}/delete/").status_code == 403


def test_the_share_link_shows_every_photo_and_a_private_photos_page(
    client, user, album, own_photos, dynamodb_calls
):
    album = albums.edit(album, visibility=UNLISTED)
    shared = f"/albums/{album.id}/s/{album.share_token}/"

    dynamodb_calls.clear()
    response = client.get(shared)
    assert dynamodb_calls == ["Query"]
    assert card_titles(response) == ["Harbour", "Secret cove", "Lighthouse"]
    assert f'href="{shared}photos/{own_photos[1].id}/"' in response.content.decode()
    assert '<meta name="robots" content="noindex">' in response.content.decode()
    assert "only me" not in response.content.decode()  # the visitor is shown it, not told it is private

    dynamodb_calls.clear()
    photo_page = client.get(f"{shared}photos/{own_photos[1].id}/")
    assert dynamodb_calls == ["BatchGetItem", "Query", "Query"]  # the photo, then one step each way
    assert "<h1>Secret cove</h1>" in photo_page.content.decode()
    assert own_photos[1].original_key not in photo_page.content.decode()  # display sizes only
    assert client.get(f"/photos/{own_photos[1].id}/").status_code == 404  # its own page hides it


def test_a_new_share_link_makes_the_old_one_404(client, user, album, own_photos):
    album = albums.edit(album, visibility=UNLISTED)
    old = f"/albums/{album.id}/s/{album.share_token}/"
    assert client.get(old).status_code == 200

    response = client_for(user).post(f"/albums/{album.id}/share/")

    assert response.status_code == 302
    assert client.get(old).status_code == 404
    assert client.get(f"{old}photos/{own_photos[0].id}/").status_code == 404
    new = albums.visible(user, album.id)
    assert client.get(f"/albums/{album.id}/s/{new.share_token}/").status_code == 200


def test_a_photo_outside_the_album_is_404_through_its_link(client, user, album, aws):
    album = albums.edit(album, visibility=UNLISTED)
    stranger = make_photo(7, owner_id=user.pk, visibility=PRIVATE)
    photo_repository().put_photo(stranger)

    assert client.get(f"/albums/{album.id}/s/{album.share_token}/photos/{stranger.id}/").status_code == 404


def edit_form_revision(client, album):
    return re.search(
        r'name="revision" value="(\d+)"', client.get(f"/albums/{album.id}/edit/").content.decode()
    )[1]


def test_editing_an_album(user, album):
    owner = client_for(user)

    response = owner.post(
        f"/albums/{album.id}/edit/",
        {
            "title": "Autumn",
            "description": "",
            "visibility": "private",
            "revision": edit_form_revision(owner, album),
        },
    )

    assert response["Location"] == f"/albums/{album.id}/"
    assert albums.visible(user, album.id).title == "Autumn"
    assert Client().get(f"/albums/{album.id}/").status_code == 404


def test_a_stale_album_edit_comes_back_with_what_was_typed_and_what_changed(user, album):
    first_tab, second_tab = client_for(user), client_for(user)
    revision = edit_form_revision(first_tab, album)
    assert edit_form_revision(second_tab, album) == revision
    form = {"description": "By the sea", "visibility": "public", "revision": revision}
    assert first_tab.post(f"/albums/{album.id}/edit/", {**form, "title": "Autumn"}).status_code == 302

    stale = second_tab.post(f"/albums/{album.id}/edit/", {**form, "title": "Summer 2026"})

    page = stale.content.decode()
    assert stale.status_code == 409
    assert "changed since you opened it" in page
    assert 'name="title" value="Summer 2026"' in page  # what was typed, not thrown away
    saved = re.search(r'<dl class="saved-meanwhile">(.*?)</dl>', page, re.S)[1]
    assert re.findall(r"<dt>(.*?)</dt>\s*<dd>(.*?)</dd>", saved) == [("Title", "Autumn")]
    assert albums.visible(user, album.id).title == "Autumn"  # the newer save is not undone
    new_revision = re.search(r'name="revision" value="(\d+)"', page)[1]
    again = second_tab.post(
        f"/albums/{album.id}/edit/", {**form, "title": "Summer 2026", "revision": new_revision}
    )
    assert again.status_code == 302 and albums.visible(user, album.id).title == "Summer 2026"


def test_adding_from_the_album_and_from_the_photo_page(user, own_photos, aws):
    owner = client_for(user)
    album = albums.create(user, title="Picks")

    add_page = owner.get(f"/albums/{album.id}/add/")
    assert card_titles(add_page) == ["Lighthouse", "Secret cove", "Harbour"]  # my photos, newest first
    owner.post(f"/albums/{album.id}/add/", {"photo_id": own_photos[0].id})
    again = owner.post(f"/albums/{album.id}/add/", {"photo_id": own_photos[0].id}, follow=True)
    assert "The photo is in this album already." in again.content.decode()

    photo_page = owner.get(f"/photos/{own_photos[2].id}/")
    assert f'href="/photos/{own_photos[2].id}/albums/"' in photo_page.content.decode()
    chooser = owner.get(f"/photos/{own_photos[2].id}/albums/")
    assert "Add to “Picks”" in chooser.content.decode()
    response = owner.post(f"/photos/{own_photos[2].id}/albums/", {"album_id": album.id})
    assert response["Location"] == f"/albums/{album.id}/"

    assert card_titles(owner.get(f"/albums/{album.id}/")) == ["Harbour", "Lighthouse"]


def test_someone_elses_photo_cannot_be_added(bob, user, album, aws):
    bobs = make_photo(8, owner_id=bob.pk)
    photo_repository().put_photo(bobs)

    assert client_for(user).post(f"/albums/{album.id}/add/", {"photo_id": bobs.id}).status_code == 403
    assert client_for(user).get(f"/photos/{bobs.id}/albums/").status_code == 403
    # Bob may add his photo to his albums, not to alice's (which he sees: it is public).
    assert client_for(bob).get(f"/photos/{bobs.id}/albums/").status_code == 200
    assert client_for(bob).post(f"/photos/{bobs.id}/albums/", {"album_id": album.id}).status_code == 403

    assert "Photo 8" not in card_titles(client_for(user).get(f"/albums/{album.id}/"))


def test_reorder_cover_remove_and_delete(user, album, own_photos):
    owner = client_for(user)
    base = f"/albums/{album.id}"

    owner.post(f"{base}/photos/{own_photos[2].id}/move/", {"direction": "up"})
    owner.post(f"{base}/photos/{own_photos[0].id}/move/", {"direction": "down"})
    assert card_titles(owner.get(f"{base}/")) == ["Lighthouse", "Harbour", "Secret cove"]

    owner.post(f"{base}/cover/", {"photo_id": own_photos[2].id})
    listing = owner.get("/albums/").content.decode()
    assert own_photos[2].thumbnail_key in listing

    owner.post(f"{base}/photos/{own_photos[1].id}/remove/")
    assert card_titles(owner.get(f"{base}/")) == ["Lighthouse", "Harbour"]
    missing = owner.post(f"{base}/photos/{own_photos[1].id}/remove/", follow=True)
    assert "That photo is not in this album." in missing.content.decode()

    assert owner.get(f"{base}/delete/").status_code == 200
    response = owner.post(f"{base}/delete/")
    assert response["Location"] == "/albums/"
    assert owner.get(f"{base}/").status_code == 404
    assert owner.get(f"/photos/{own_photos[1].id}/").status_code == 200  # the photos stay


def test_my_albums_is_one_query_and_asks_to_log_in(client, user, album, dynamodb_calls):
    assert client.get("/albums/").status_code == 302

    owner = client_for(user)
    dynamodb_calls.clear()
    response = owner.get("/albums/")
    assert dynamodb_calls == ["Query", "GetItem"]  # the albums; the header's notification bell
    assert "Summer" in response.content.decode()


def test_add_photos_shows_the_photos_already_in_the_album_as_in_it(user, own_photos, aws):
    owner = client_for(user)
    album = albums.create(user, title="Picks")
    albums.add_photo(user, album, own_photos[0].id)

    page = owner.get(f"/albums/{album.id}/add/").content.decode()

    assert "Add “Harbour”" not in page and "Add “Lighthouse”" in page and "Add “Secret cove”" in page
    cards = {
        re.search(r'class="title"[^>]*>([^<]*)<', card).group(1): card
        for card in re.split(r'<li class="card"[^>]*>', page)[1:]
    }
    assert ["In this album" in cards[title] for title in ("Lighthouse", "Secret cove", "Harbour")] == [
        False,
        False,
        True,
    ]


def test_each_album_cover_link_is_named_by_the_albums_title(user, album, own_photos):
    albums.set_cover(album, own_photos[0].id)

    page = client_for(user).get("/albums/").content.decode()

    cover_link = re.search(r'<li class="card album-card">\s*<a [^>]*>(.*?)</a>', page, re.S).group(1)
    assert re.fullmatch(r'<picture><img [^>]*alt="Summer"[^>]*></picture>', cover_link)


def test_an_album_cover_offers_its_photos_webp_card_sizes_until_the_photo_leaves(user, album, own_photos):
    card_sizes = [
        {
            "key": f"photos/{own_photos[0].id}/c{width}.webp",
            "type": "image/webp",
            "width": width,
            "height": width * 3 // 4,
            "card": True,
        }
        for width in (700, 400)
    ]
    viewer_size = {
        "key": f"photos/{own_photos[0].id}/w800.webp",
        "type": "image/webp",
        "width": 800,
        "height": 600,
        "card": False,
    }
    photo_repository().update_photo(own_photos[0].id, sources=[viewer_size, *card_sizes])
    albums.set_cover(album, own_photos[0].id)

    page = client_for(user).get("/albums/").content.decode()

    cover = re.search(r'<li class="card album-card">\s*<a [^>]*>(.*?)</a>', page, re.S).group(1)
    source = re.search(r'<source type="image/webp" srcset="([^"]*)"', cover).group(1)
    assert [
        candidate.split("?")[0].rsplit("/", 1)[1] + candidate.rsplit(" ", 1)[1]
        for candidate in source.split(", ")
    ] == ["c700.webp700w", "c400.webp400w"]  # the card's, not the viewer's
    assert "/thumb" in re.search(r'<img src="([^"]*)"', cover).group(1)  # JPEG for the rest

    albums.remove_photo(albums.visible(user, album.id), own_photos[0].id)

    assert albums.visible(user, album.id).cover_sources == []
    assert "<source" not in client_for(user).get("/albums/").content.decode()


def test_the_owners_page_showing_the_share_link_is_never_cached(client, user, album):
    """A sibling of the API tokens page (issue 22): a page that shows a secret is no-store."""
    album = albums.edit(album, visibility=UNLISTED)

    owners = client_for(user).get(f"/albums/{album.id}/")

    assert album.share_token in owners.content.decode()
    assert "no-store" in owners["Cache-Control"]
    public = client.get(f"/albums/{albums.edit(album, visibility=PUBLIC).id}/")
    assert "no-store" not in public.get("Cache-Control", "")  # nothing secret: caches may keep it


def rel_links(response, rel):
    return re.findall(rf'<a rel="{rel}" href="([^"]+)"', response.content.decode())


def test_an_albums_photos_step_through_the_album_in_its_order(client, user, album, own_photos):
    albums.move(album, own_photos[2].id, up=True)  # Harbour, Lighthouse, Secret cove
    owner = client_for(user)
    opened_from = f"?from=album:{album.id}"

    page = owner.get(f"/albums/{album.id}/").content.decode()
    assert f'href="/photos/{own_photos[2].id}/{opened_from}"' in page

    middle = owner.get(f"/photos/{own_photos[2].id}/{opened_from}")
    assert rel_links(middle, "prev") == [f"/photos/{own_photos[0].id}/{opened_from}"]
    assert rel_links(middle, "next") == [f"/photos/{own_photos[1].id}/{opened_from}"]
    assert f'<a class="viewer-list" href="/albums/{album.id}/">Album “Summer”</a>' in middle.content.decode()
    # Anyone else: the private photo is not a step.
    assert rel_links(client.get(f"/photos/{own_photos[2].id}/{opened_from}"), "next") == []


def test_a_share_links_photo_pages_step_within_the_link(client, user, album, own_photos):
    album = albums.edit(album, visibility=UNLISTED)
    shared = f"/albums/{album.id}/s/{album.share_token}/"

    first = client.get(f"{shared}photos/{own_photos[0].id}/")
    middle = client.get(f"{shared}photos/{own_photos[1].id}/")

    assert rel_links(first, "prev") == []
    assert rel_links(first, "next") == [f"{shared}photos/{own_photos[1].id}/"]  # private: the link's own page
    assert rel_links(middle, "next") == [f"{shared}photos/{own_photos[2].id}/"]
    assert f'<a class="viewer-list" href="{shared}">' in middle.content.decode()


def test_album_lists_page_with_their_own_cursor(aws, user, settings):
    # The pagers of gallery/_lists.html: the owner's list pages by `cursor`, the person's page
    # pages their albums by `album_cursor`, apart from their photos.
    settings.PHOTOSHARE_PAGE_SIZE = 2
    for title in ("Spring", "Summer", "Autumn"):
        albums.create(user, title=title, description="", visibility=PUBLIC)
    owner = client_for(user)

    own_list = owner.get("/albums/").content.decode()
    cursor = re.search(r'<a rel="next" href="\?cursor=([^"]+)">Older albums', own_list).group(1)
    assert card_titles(owner.get(f"/albums/?cursor={cursor}")) == ["Spring"]

    person_page = Client().get(f"/users/{user.username}/").content.decode()
    album_link = re.search(r'<a rel="next" href="\?album_cursor=([^"]+)">Older albums', person_page)
    album_cursor = album_link.group(1)
    assert "First page" not in person_page
    older = Client().get(f"/users/{user.username}/?album_cursor={album_cursor}")
    assert "Spring" in card_titles(older)
