"""gallery.storage.clients: one client per thread, with the settings' timeouts and retries."""

import threading

from django.core.files.storage import default_storage

from gallery.storage.clients import PerThread, client_config
from gallery.storage.dynamodb import get_connection
from gallery.storage.sqs import LONG_POLL_SECONDS, queue


def test_each_thread_gets_its_own_client_and_keeps_it():
    clients = PerThread("sqs", endpoint_url="http://127.0.0.1:9", config=client_config())
    mine = clients.get()
    theirs = []
    thread = threading.Thread(target=lambda: theirs.append(clients.get()))
    thread.start()
    thread.join()
    assert clients.get() is mine and theirs[0] is not mine


def test_every_service_shares_one_session_and_its_parsed_models():
    # One botocore data loader for the process (not one per session: 8 MB more in a worker).
    table_client = get_connection().client
    assert table_client._loader is queue().client._loader is default_storage.connection.meta.client._loader


def test_every_client_has_explicit_timeouts_and_retries(settings):
    settings.AWS_CLIENT_CONFIG = settings.AWS_CLIENT_CONFIG.merge(
        type(settings.AWS_CLIENT_CONFIG)(connect_timeout=1.5, read_timeout=4.0)
    )
    table_config = get_connection().client.meta.config
    queue_config = queue().client.meta.config
    assert (table_config.connect_timeout, table_config.read_timeout) == (1.5, 4.0)
    assert table_config.retries["mode"] == "standard" and queue_config.retries["mode"] == "standard"
    # The job queue's reads wait out a long poll.
    assert queue_config.connect_timeout == 1.5 and queue_config.read_timeout == LONG_POLL_SECONDS + 10
