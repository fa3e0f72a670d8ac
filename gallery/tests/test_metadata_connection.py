"""gallery.metadata.connection: clients per thread, rebuilt when settings change, and boto
errors translated once, with their cause."""

import threading

import pytest
from botocore.exceptions import EndpointConnectionError

from gallery.metadata import MetadataUnavailable, get_connection, photo_table


@pytest.fixture
def unreachable(settings):
    settings.DYNAMODB_ENDPOINT_URL = "http://127.0.0.1:9"  # discard port: nothing listens
    settings.AWS_CLIENT_CONFIG = settings.AWS_CLIENT_CONFIG.merge(
        type(settings.AWS_CLIENT_CONFIG)(retries={"max_attempts": 1, "mode": "standard"})
    )


def test_unreachable_endpoint_raises_metadata_unavailable(unreachable):
    with pytest.raises(MetadataUnavailable):
        photo_table().get_photo("a" * 32)


def test_a_failure_is_logged_once_with_the_boto_error_as_cause(unreachable, caplog):
    with pytest.raises(MetadataUnavailable) as raised:
        photo_table().tag_counts()  # a paginated Query: translated inside the generator

    assert isinstance(raised.value.__cause__, EndpointConnectionError)
    logged = [record for record in caplog.records if record.name.startswith("gallery.metadata")]
    assert len(logged) == 1 and logged[0].exc_info[1] is raised.value.__cause__


def test_the_connection_follows_the_settings(settings):
    before = get_connection()
    settings.DYNAMODB_TABLE_NAME = "another-table"

    assert get_connection() is not before
    assert get_connection().table_name == "another-table"


def test_each_thread_has_its_own_client():
    clients = []
    thread = threading.Thread(target=lambda: clients.append(get_connection().client))
    thread.start()
    thread.join()

    assert clients[0] is not get_connection().client
    assert get_connection().client is get_connection().client
