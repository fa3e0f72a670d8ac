import logging

import pytest

from gallery.web import requestid

pytestmark = pytest.mark.django_db

TRACE = "Root=1-67891233-abcdef012345678912345678"


@pytest.fixture
def log_lines(caplog):
    """The formatted lines of the console handler's format, as CloudWatch receives them."""
    from django.conf import settings

    formatter = logging.Formatter(settings.LOGGING["formatters"]["plain"]["format"])
    caplog.handler.addFilter(requestid.RequestIdFilter())
    caplog.set_level(logging.INFO)
    return lambda: [formatter.format(record) for record in caplog.records]


def test_the_load_balancers_trace_id_names_the_request_and_its_log_lines(aws, client, log_lines):
    response = client.get("/photos/" + "0" * 32 + "/", HTTP_X_AMZN_TRACE_ID=TRACE)

    assert response.status_code == 404
    assert response["X-Request-Id"] == TRACE
    lines = [line for line in log_lines() if "Not Found" in line]
    assert lines and all(f"[{TRACE}]" in line for line in lines)


def test_nginx_request_id_comes_first(client):
    response = client.get("/healthz/live", HTTP_X_REQUEST_ID="0f3c9a", HTTP_X_AMZN_TRACE_ID=TRACE)

    assert response["X-Request-Id"] == "0f3c9a"


def test_without_a_header_each_request_gets_a_fresh_id(client):
    first = client.get("/healthz/live")["X-Request-Id"]
    second = client.get("/healthz/live")["X-Request-Id"]

    assert len(first) == 32 and first != second


def test_an_id_that_could_forge_a_log_line_is_replaced(client):
    response = client.get("/healthz/live", HTTP_X_REQUEST_ID="x\n2026-01-01 ERROR forged")

    assert "\n" not in response["X-Request-Id"] and "forged" not in response["X-Request-Id"]


def test_outside_a_request_lines_say_dash(log_lines):
    logging.getLogger("gallery").info("start-up")

    assert log_lines()[-1].split()[3] == "[-]"
