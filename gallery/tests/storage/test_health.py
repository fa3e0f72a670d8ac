import json

import pytest
from django.core.management import call_command

from devstack.local_aws import MotoServer

pytestmark = pytest.mark.django_db


def test_healthz_reports_every_backend_ok(aws, client):
    response = client.get("/healthz")

    assert response.status_code == 200
    assert json.loads(response.content) == {"database": "ok", "s3": "ok", "dynamodb": "ok"}


@pytest.fixture
def own_moto_server(settings):
    """A moto server of this test's own, with S3 and DynamoDB settings pointed at it."""
    server = MotoServer().start()
    storages = {**settings.STORAGES}
    storages["default"] = {
        **storages["default"],
        "OPTIONS": {**storages["default"]["OPTIONS"], "endpoint_url": server.url},
    }
    settings.STORAGES = storages
    settings.DYNAMODB_ENDPOINT_URL = server.url
    settings.AWS_CLIENT_CONFIG = settings.AWS_CLIENT_CONFIG.merge(
        type(settings.AWS_CLIENT_CONFIG)(retries={"max_attempts": 1, "mode": "standard"})
    )
    call_command("init_aws", verbosity=0)
    yield server
    server.stop()


def test_healthz_is_503_and_names_the_parts_when_the_aws_endpoint_stops(own_moto_server, client):
    assert client.get("/healthz").status_code == 200

    own_moto_server.stop()
    response = client.get("/healthz")

    assert response.status_code == 503
    body = json.loads(response.content)
    assert body == {"database": "ok", "s3": "unavailable", "dynamodb": "unavailable"}
    assert "Error" not in response.content.decode()  # no exception text leaks


def test_check_aws_command_reports_each_backend(aws, capsys):
    call_command("check_aws")

    output = capsys.readouterr().out
    assert "database: ok" in output and "s3: ok" in output and "dynamodb: ok" in output


def test_live_check_answers_without_asking_any_backend(own_moto_server, client):
    """The load balancer's check: a stopped AWS (or a slow database) must not fail it."""
    own_moto_server.stop()

    response = client.get("/healthz/live")

    assert (response.status_code, response.content) == (200, b"ok\n")
    assert "no-cache" in response["Cache-Control"]


def test_live_check_is_not_redirected_to_https(settings, client):
    settings.SECURE_SSL_REDIRECT = True  # the load balancer checks the instance over plain HTTP

    assert client.get("/healthz/live").status_code == 200
    assert client.get("/healthz/lively").status_code == 301
