"""gallery.storage.dynamodb.listcache: list pages served from the shared cache until the next write.

The whole suite runs with the cache on (devstack/pytest_plugin.py), so every test that reads a
list after a write checks that the write left no stale page; these tests pin the rule itself."""

import contextlib
import threading

import pytest
from django.core.signals import request_finished, request_started
from django.db import close_old_connections

from gallery.domain.lists import FEED, tag_list
from gallery.storage.dynamodb import PhotoAlreadyExists, listcache, photo_repository
from gallery.tests.clocks import FakeClock
from gallery.tests.factories import make_photo


@pytest.fixture
def clock(monkeypatch):
    fake = FakeClock(1_000_000.0)
    monkeypatch.setattr(listcache, "clock", fake)
    return fake


def titles(page):
    return [card.title for card in page.items]


def test_a_page_read_again_before_any_write_asks_dynamodb_nothing(table, dynamodb_calls):
    table.put_photo(make_photo(1))
    first = table.list_page(FEED)
    dynamodb_calls.clear()

    assert table.list_page(FEED) == first
    assert dynamodb_calls == []


def test_a_photos_neighbours_are_kept_until_the_next_write(table, dynamodb_calls):
    # The photo page's previous/next: two Queries, then cache hits until a write.
    table.put_photo(make_photo(1))
    assert table.neighbours(FEED, "~")[1].title == "Photo 1"  # "~": after every sort key
    dynamodb_calls.clear()
    assert table.neighbours(FEED, "~")[1].title == "Photo 1"
    assert "Query" not in dynamodb_calls

    table.put_photo(make_photo(2))
    assert table.neighbours(FEED, "~")[1].title == "Photo 2"


def test_every_kind_of_write_shows_on_the_next_read(table):
    photo = make_photo(1, tags=["sea"])
    table.put_photo(photo)
    assert titles(table.list_page(FEED)) == ["Photo 1"]
    assert titles(table.list_page(tag_list("sea"))) == ["Photo 1"]

    table.update_photo(photo.id, title="Harbour", tags=["dusk"])
    assert titles(table.list_page(FEED)) == ["Harbour"]
    assert titles(table.list_page(tag_list("sea"))) == []

    table.update_photo(photo.id, visibility="private")
    assert titles(table.list_page(FEED)) == []

    table.put_photo(make_photo(2))
    assert titles(table.list_page(FEED)) == ["Photo 2"]

    table.delete_photo(make_photo(2).id)
    assert titles(table.list_page(FEED)) == []


def test_a_refused_write_keeps_the_cached_pages(table, dynamodb_calls):
    photo = make_photo(1)
    table.put_photo(photo)
    table.list_page(FEED)

    with pytest.raises(PhotoAlreadyExists):
        table.put_photo(photo)  # DynamoDB cancels the transaction: a write call that failed
    dynamodb_calls.clear()

    assert titles(table.list_page(FEED)) == ["Photo 1"]
    assert "TransactWriteItems" not in dynamodb_calls and "Query" not in dynamodb_calls


def test_a_write_from_another_thread_or_instance_reaches_every_reader(table):
    table.put_photo(make_photo(1))
    assert titles(table.list_page(FEED)) == ["Photo 1"]

    # Another thread has its own client (as another worker or instance has): its write must
    # start a new generation in the shared cache all the same.
    writer = threading.Thread(target=lambda: photo_repository().put_photo(make_photo(2)))
    writer.start()
    writer.join()

    assert titles(table.list_page(FEED)) == ["Photo 2", "Photo 1"]


def test_a_page_read_within_the_index_lag_of_a_write_is_served_but_not_kept(
    table, clock, settings, dynamodb_calls
):
    settings.PHOTOSHARE_LIST_INDEX_LAG_SECONDS = 2
    table.put_photo(make_photo(1))
    clock.now += 1.5  # the index may not have the photo yet: not kept
    table.list_page(FEED)
    table.list_page(FEED)
    assert dynamodb_calls.count("Query") == 2

    clock.now += 1  # 2.5 s after the write: kept
    table.list_page(FEED)
    table.list_page(FEED)
    assert dynamodb_calls.count("Query") == 3


def test_without_a_shared_cache_every_page_is_a_query(table, settings, dynamodb_calls):
    settings.CACHES = {**settings.CACHES, "off": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
    settings.PHOTOSHARE_LIST_CACHE = "off"
    table.put_photo(make_photo(1))

    table.list_page(FEED)
    table.list_page(FEED)

    assert dynamodb_calls.count("Query") == 2


def test_a_cache_that_fails_leaves_pages_and_writes_working(table, settings, caplog):
    settings.CACHES = {
        **settings.CACHES,
        "down": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:9/0",  # discard port: nothing listens
        },
    }
    settings.PHOTOSHARE_LIST_CACHE = "down"

    table.put_photo(make_photo(1))

    assert titles(table.list_page(FEED)) == ["Photo 1"]
    assert any("List page cache" in record.message for record in caplog.records)


@pytest.fixture
def page_reads(settings, monkeypatch):
    """Keys of the pages asked of the shared cache from now on (the generation's GET not counted)."""
    cache = listcache._cache()
    asked = []
    real_get = cache.get

    def get(key, *args, **kwargs):
        if key != listcache.GENERATION_KEY:
            asked.append(key)
        return real_get(key, *args, **kwargs)

    monkeypatch.setattr(cache, "get", get)
    return asked


def test_a_page_seen_in_this_generation_is_not_fetched_again_for_a_few_seconds(table, clock, page_reads):
    table.put_photo(make_photo(1))
    first = table.list_page(FEED)  # read from DynamoDB and stored
    again = table.list_page(FEED)

    assert titles(again) == titles(first) == ["Photo 1"] and page_reads == [page_reads[0]]
    assert again.items is not first.items  # each reader has a list of its own

    clock.now += listcache.SEEN_SECONDS
    assert titles(table.list_page(FEED)) == ["Photo 1"] and len(page_reads) == 2  # asked again

    listcache.new_generation()  # a write elsewhere (another worker or instance) moves it on
    table.list_page(FEED)
    assert len(page_reads) == 3  # not this process's page of the old generation


@pytest.fixture
def a_request(db):
    """What a request to the site brackets its pages with: Django's request signals (without
    closing the test's database connection, as Django's test client does)."""

    @contextlib.contextmanager
    def bracket():
        request_started.send(sender=None, environ={})
        try:
            yield
        finally:
            request_finished.send(sender=None)

    for signal in (request_started, request_finished):
        signal.disconnect(close_old_connections)
    yield bracket
    for signal in (request_started, request_finished):
        signal.connect(close_old_connections)


def another_instance_puts(table, photo, monkeypatch):
    """A write as another worker or instance makes it: the table and the shared generation
    change, this process is not told."""
    with monkeypatch.context() as patch:
        patch.setattr(listcache, "_wrote", lambda: None)
        table.put_photo(photo)


@pytest.fixture
def generation_reads(monkeypatch):
    """How often the generation is asked of the shared cache from now on."""
    cache = listcache._cache()
    asked = []
    real_get = cache.get

    def get(key, *args, **kwargs):
        if key == listcache.GENERATION_KEY:
            asked.append(key)
        return real_get(key, *args, **kwargs)

    monkeypatch.setattr(cache, "get", get)
    return asked


def test_a_request_asks_for_the_generation_once_and_again_after_a_write_of_its_own(
    a_request, table, generation_reads
):
    table.put_photo(make_photo(1, tags=["sea"]))
    with a_request():
        assert titles(table.list_page(FEED)) == ["Photo 1"]
        assert titles(table.list_page(tag_list("sea"))) == ["Photo 1"]
        assert len(generation_reads) == 1

        table.put_photo(make_photo(2, tags=["sea"]))
        assert titles(table.list_page(FEED)) == ["Photo 2", "Photo 1"]
        assert titles(table.list_page(tag_list("sea"))) == ["Photo 2", "Photo 1"]
        assert len(generation_reads) == 2

    table.list_page(FEED)
    table.list_page(FEED)
    assert len(generation_reads) == 4  # outside a request (the worker, a command): every page asks


def test_a_write_of_another_instance_shows_from_the_next_request_on(a_request, table, monkeypatch):
    table.put_photo(make_photo(1))
    with a_request():
        assert titles(table.list_page(FEED)) == ["Photo 1"]
        another_instance_puts(table, make_photo(2), monkeypatch)
        assert titles(table.list_page(FEED)) == ["Photo 1"]  # one request, one generation

    with a_request():
        assert titles(table.list_page(FEED)) == ["Photo 2", "Photo 1"]


def test_a_write_of_another_thread_shows_at_once_in_a_request_of_this_process(a_request, table):
    table.put_photo(make_photo(1))
    with a_request():
        assert titles(table.list_page(FEED)) == ["Photo 1"]
        writer = threading.Thread(target=lambda: photo_repository().put_photo(make_photo(2)))
        writer.start()
        writer.join()
        assert titles(table.list_page(FEED)) == ["Photo 2", "Photo 1"]


@pytest.fixture
def trusted_feed(a_request, table, clock, settings):
    """The generation trusted for 1 s, as deployed, and a feed of one photo already read: this
    process now holds the generation and its time."""
    settings.PHOTOSHARE_LIST_GENERATION_SECONDS = 1
    table.put_photo(make_photo(1))
    with a_request():
        assert titles(table.list_page(FEED)) == ["Photo 1"]


def test_a_trusted_generation_shows_another_instances_write_within_its_seconds(
    trusted_feed, a_request, table, clock, monkeypatch, generation_reads
):
    another_instance_puts(table, make_photo(2), monkeypatch)

    clock.now += 0.9
    with a_request():
        assert titles(table.list_page(FEED)) == ["Photo 1"]  # stale, for less than the second
    assert len(generation_reads) == 0  # trusted: not asked

    clock.now += 0.1
    with a_request():
        assert titles(table.list_page(FEED)) == ["Photo 2", "Photo 1"]
    assert len(generation_reads) == 1


def test_a_trusted_generation_still_shows_this_processs_own_writes_at_once(trusted_feed, a_request, table):
    with a_request():
        table.update_photo(make_photo(1).id, title="Harbour")
    with a_request():
        assert titles(table.list_page(FEED)) == ["Harbour"]

    writer = threading.Thread(target=lambda: photo_repository().put_photo(make_photo(2)))
    writer.start()
    writer.join()
    with a_request():
        assert titles(table.list_page(FEED)) == ["Photo 2", "Harbour"]


def test_a_trusted_generation_still_shows_a_browser_its_own_write_made_on_another_instance(
    trusted_feed, a_request, table, clock, monkeypatch, generation_reads
):
    with a_request():  # the browser's request served by another instance: its cookie's value
        another_instance_puts(table, make_photo(2), monkeypatch)
        cookie, seconds = listcache.written_in_request()
    assert seconds == 1
    clock.now += 0.5
    asked = len(generation_reads)

    with a_request():  # another visitor, within the second: the trusted generation, stale
        assert titles(table.list_page(FEED)) == ["Photo 1"]
    assert len(generation_reads) == asked
    with a_request():  # the writer's browser, bearing its cookie: asked, and its write shows
        listcache.browser_wrote(cookie)
        assert titles(table.list_page(FEED)) == ["Photo 2", "Photo 1"]
    assert len(generation_reads) == asked + 1


def test_a_cookie_of_an_unknown_generation_costs_a_round_trip_and_changes_no_page(
    trusted_feed, a_request, table, generation_reads
):
    asked = len(generation_reads)

    for _ in range(2):
        with a_request():
            listcache.browser_wrote("12.000000:forged")
            assert titles(table.list_page(FEED)) == ["Photo 1"]
    assert len(generation_reads) == asked + 2
