"""conftest.py scans the collected static files once a process for every test client: each client
still serves them as WhiteNoise describes them, and a WhiteNoise setting a test changes is seen."""

from django.contrib.staticfiles.storage import staticfiles_storage
from django.test import Client, override_settings


def stylesheet_headers(client, name):
    response = client.get(name)
    assert response.status_code == 200
    return response["Content-Type"], response["Cache-Control"]


def test_every_client_serves_the_hashed_and_the_plain_static_files():
    hashed = staticfiles_storage.url("css/site.css")
    assert hashed != "/static/css/site.css"  # the manifest's name, with its hash
    for client in (Client(), Client()):  # the second one from the scan the first one made
        content_type, cache_control = stylesheet_headers(client, hashed)
        assert content_type.startswith("text/css") and "immutable" in cache_control
        assert "immutable" not in stylesheet_headers(client, "/static/css/site.css")[1]


def test_a_whitenoise_setting_changed_by_a_test_is_seen_by_its_clients():
    Client().get("/static/css/site.css")  # scanned with the settings of the run
    with override_settings(WHITENOISE_MAX_AGE=123):
        assert stylesheet_headers(Client(), "/static/css/site.css")[1] == "max-age=123, public"
    assert stylesheet_headers(Client(), "/static/css/site.css")[1] != "max-age=123, public"
