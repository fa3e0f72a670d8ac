"""gallery.web.list_writes: a request that wrote tells its browser the new list generation, so that
any process that trusts an older one asks again for that browser (the rule itself:
gallery/tests/storage/dynamodb/test_listcache.py)."""

from gallery.storage.dynamodb import listcache
from gallery.tests.publishing import publish

COOKIE = listcache.WRITTEN_COOKIE


def test_a_write_sends_its_generation_for_as_long_as_a_process_trusts_one(
    aws, logged_in_client, user, settings
):
    settings.PHOTOSHARE_LIST_GENERATION_SECONDS = 1
    photo = publish(user, title="Harbour")
    assert COOKIE not in logged_in_client.get("/").cookies  # a read tells nothing

    response = logged_in_client.post(f"/photos/{photo.id}/delete/")

    assert response.status_code == 302
    cookie = response.cookies[COOKIE]
    assert cookie.value == listcache._cache().get(listcache.GENERATION_KEY)  # the write's own
    assert (cookie["max-age"], cookie["httponly"], cookie["samesite"]) == (1, True, "Lax")
    assert photo.id not in logged_in_client.get("/").content.decode()  # sent back: still right


def test_no_cookie_where_every_request_asks_the_cache(aws, logged_in_client, user, settings):
    settings.PHOTOSHARE_LIST_GENERATION_SECONDS = 0
    photo = publish(user, title="Harbour")

    response = logged_in_client.post(f"/photos/{photo.id}/delete/")

    assert response.status_code == 302 and COOKIE not in response.cookies
