"""The home feed, tag pages, tag cloud, people's pages and search, through the site (web.views.browse)."""

import html
import re

import pytest
from django.test import Client

from gallery.domain import lists
from gallery.storage import dynamodb
from gallery.tests.publishing import publish

pytestmark = pytest.mark.django_db


def test_gallery_pages_newest_first_with_a_cursor(aws, user, settings):
    settings.PHOTOSHARE_PAGE_SIZE = 2
    for title in ("first", "second", "third"):
        publish(user, title=title)

    visitor = Client()  # no pending "uploaded" messages naming the photos
    page_one = visitor.get("/").content.decode()
    next_link = re.search(r'href="\?cursor=([^"]+)"', page_one).group(1)
    page_two = visitor.get(f"/?cursor={next_link}").content.decode()

    assert page_one.index("third") < page_one.index("second") and "first" not in page_one
    assert "first" in page_two and "second" not in page_two
    assert "?cursor=" not in page_two  # nothing older


def test_a_forged_cursor_is_a_400(aws, client):
    response = client.get("/?cursor=not-a-cursor")

    assert response.status_code == 400


def test_gallery_is_public_and_says_when_empty(aws, client):
    response = client.get("/")

    assert response.status_code == 200
    assert "No photos yet." in response.content.decode()


def test_tag_page_lists_the_tags_photos_newest_first_and_pages(aws, client, user, settings):
    settings.PHOTOSHARE_PAGE_SIZE = 2
    for title in ("one", "two", "three"):
        publish(user, title=f"Sea {title}", tags="sea")
    publish(user, title="City", tags="city")

    first = client.get("/tags/sea/").content.decode()
    cursor = re.search(r'href="\?cursor=([^"]+)"', first).group(1)
    second = client.get(f"/tags/sea/?cursor={cursor}").content.decode()

    assert first.index("Sea three") < first.index("Sea two") and "Sea one" not in first
    assert "Sea one" in second and "City" not in first + second
    assert client.get("/tags/sea/?cursor=forged").status_code == 400


def test_tags_on_photos_link_to_their_pages(aws, client, user):
    photo = publish(user, tags="sea")

    assert 'href="/tags/sea/"' in client.get(f"/photos/{photo.id}/").content.decode()
    assert 'href="/tags/sea/"' in client.get("/").content.decode()


def test_a_non_canonical_tag_is_a_404(aws, client):
    assert client.get("/tags/Sea/").status_code == 404


def test_tag_cloud_shows_counts_of_public_photos(aws, client, user):
    publish(user, tags="sea boats")
    publish(user, tags="sea")

    page = client.get("/tags/").content.decode()

    assert re.search(r'href="/tags/sea/">sea</a> <span class="count">2</span>', page)
    assert re.search(r'href="/tags/boats/">boats</a> <span class="count">1</span>', page)


def test_user_page_shows_that_users_photos(aws, client, user, bob):
    publish(user, title="Harbour by Alice")
    publish(bob, title="Forest by Bob")

    page = client.get("/users/alice/").content.decode()

    assert "Photos by alice" in page and "Harbour by Alice" in page and "Forest by Bob" not in page
    assert client.get("/users/nobody/").status_code == 404


def test_search_finds_title_prefixes_and_tags(aws, client, user):
    publish(user, title="Sunset over the bay", tags="sea")
    publish(user, title="Sunday market", tags="market")
    publish(user, title="Moonrise", tags="sunset")

    page = client.get("/search/?q=sun").content.decode()
    assert "Sunset over the bay" in page and "Sunday market" in page and "Moonrise" not in page

    page = client.get("/search/?q=sunset").content.decode()
    assert 'href="/tags/sunset/">#sunset</a>: 1 photo with this tag' in page
    assert "Sunset over the bay" in page

    assert "from 2 characters on" in client.get("/search/?q=s").content.decode()
    assert client.get("/search/").status_code == 200


def test_search_finds_words_anywhere_in_a_title_korean_included(aws, client, user):
    publish(user, title="서울의 노을 Seoul sunset")
    publish(user, title="서울의노을")
    publish(user, title="Private sunset", visibility="private")

    for query, found in (
        ("seoul", ["서울의 노을 Seoul sunset"]),
        ("노을", ["서울의 노을 Seoul sunset", "서울의노을"]),
        ("울의", ["서울의 노을 Seoul sunset", "서울의노을"]),
        ("sun", ["서울의 노을 Seoul sunset"]),
    ):
        page = Client().get("/search/", {"q": query}).content.decode()
        titles = ("서울의 노을 Seoul sunset", "서울의노을", "Private sunset")
        shown = [title for title in titles if title in page]
        assert shown == found, query
        assert "Titles with “" in page


def test_every_list_page_costs_the_same_few_requests_whatever_the_photo_count(
    aws, client, user, settings, dynamodb_calls
):
    settings.PHOTOSHARE_PAGE_SIZE = 3
    calls_per_page = {}
    for count in (3, 12):
        while len(dynamodb.photo_repository().list_page(lists.FEED, limit=100).items) < count:
            publish(user, title="Sunrise", tags="sea")
        for path in ("/", "/tags/sea/", "/users/alice/", "/search/?q=sunrise"):
            dynamodb_calls.clear()
            assert client.get(path).status_code == 200
            calls_per_page[(count, path)] = list(dynamodb_calls)

    for path in ("/", "/tags/sea/", "/users/alice/", "/search/?q=sunrise"):
        assert calls_per_page[(3, path)] == calls_per_page[(12, path)]
    assert calls_per_page[(12, "/")] == ["Query"]
    assert calls_per_page[(12, "/search/?q=sunrise")] == ["GetItem", "Query"]


def test_tags_with_accents_and_dashes_have_working_pages(aws, client, user):
    publish(user, title="Café", tags="été new-york")
    home = client.get("/").content.decode()

    for tag, link in (("été", "/tags/%C3%A9t%C3%A9/"), ("new-york", "/tags/new-york/")):
        assert f'href="{link}"' in home
        assert "Café" in client.get(link).content.decode(), tag


def test_search_results_page_with_the_query_kept_in_the_link(aws, client, user, settings):
    settings.PHOTOSHARE_PAGE_SIZE = 1
    publish(user, title="Sunset")
    publish(user, title="Sunday")

    first = client.get("/search/?q=sun").content.decode()
    link = re.search(r'href="(\?q=sun&amp;cursor=[^"]+)"', first).group(1).replace("&amp;", "&")
    second = client.get(f"/search/{link}").content.decode()

    assert "Sunday" in first and "Sunset" not in first
    assert "Sunset" in second and "Sunday" not in second
    assert client.get("/search/?q=moon&cursor=" + link.split("cursor=")[1]).status_code == 400


def header_links(page):
    header = re.search(r'<header class="site-header">(.*?)</header>', page, re.S).group(1)
    return dict(
        (text.strip(), href) for href, text in re.findall(r'<a[^>]* href="([^"]+)"[^>]*>([^<]+)</a>', header)
    )


@pytest.mark.parametrize(("language", "label"), [("en", "Favourites"), ("ko", "즐겨찾기")])
def test_a_signed_in_person_finds_their_favourites_in_the_header(aws, client, user, language, label):
    client.cookies["django_language"] = language
    assert label not in header_links(client.get("/").content.decode())  # nothing to show a visitor

    client.force_login(user)
    links = header_links(client.get("/").content.decode())

    assert links[label] == "/favorites/"
    assert client.get(links[label]).status_code == 200


def album_titles(page):
    return [
        html.unescape(title)
        for title in re.findall(r'<a class="title" href="/albums/[0-9a-f]+/">([^<]*)</a>', page)
    ]


def test_a_persons_page_lists_their_public_albums_to_everyone(aws, client, user, bob):
    from gallery.services import albums

    for title, visibility in [("Coast", "public"), ("Diary", "private"), ("For family", "unlisted"),
                              ("Mountains", "public")]:  # fmt: skip
        albums.create(user, title=title, visibility=visibility)
    albums.create(bob, title="Bob's walks", visibility="public")

    for viewer in (client, Client(), None):
        if viewer is None:  # the owner's own page shows what everyone sees of their albums
            viewer = Client()
            viewer.force_login(user)
        page = viewer.get("/users/alice/").content.decode()
        assert album_titles(page) == ["Mountains", "Coast"]  # newest first
    assert album_titles(client.get("/users/bob/").content.decode()) == ["Bob's walks"]
