"""pytest plugin (loaded with -p, before Django reads its settings): the test session's own moto.

Settings read the environment once, so the endpoints must be in it before pytest-django sets
Django up; a conftest.py would be too late. The server itself starts with the first test.

Under pytest-xdist (`make test`: -n auto) every worker is a process of its own that loads this
plugin: its own moto on its own port, its own Redis key prefix and mail directory. The accounts
database is the worker's too (pytest-django suffixes its name with the worker id: test_photoshare_gw0).
"""

import os
import tempfile

import pytest

from devstack.local_aws import MotoServer, free_port

_server = MotoServer(port=free_port())

os.environ.update(
    AWS_S3_ENDPOINT_URL=_server.url,
    DYNAMODB_ENDPOINT_URL=_server.url,
    SQS_ENDPOINT_URL=_server.url,
    AWS_ACCESS_KEY_ID="testing",
    AWS_SECRET_ACCESS_KEY="testing",
    AWS_STORAGE_BUCKET_NAME="photoshare-test",
    DYNAMODB_TABLE_NAME="photoshare-test",
    PHOTOSHARE_JOBS_QUEUE="photoshare-test-jobs",
    # moto accepts some requests DynamoDB refuses: botocore's own check catches them in the tests.
    AWS_VALIDATE_DYNAMODB_REQUESTS="1",
)
# Rate-limit counters in Redis, as in production (ElastiCache): its increments are atomic across
# threads and processes. Several test runs (and the workers of one) may share one Redis; each gets
# its own key prefix, and conftest.py deletes only the keys of its own (never FLUSHDB/FLUSHALL).
os.environ.setdefault(
    "DJANGO_CACHE_URL", f"redis://127.0.0.1:6379/{os.environ.get('PHOTOSHARE_TEST_REDIS_DB', '15')}"
)
_worker = os.environ.get("PYTEST_XDIST_WORKER", "main")  # set by xdist before a worker loads plugins
os.environ["DJANGO_CACHE_KEY_PREFIX"] = f"photoshare-test-{_worker}-{os.getpid()}-{os.urandom(4).hex()}"
# List pages cached as in production (gallery/storage/dynamodb/listcache.py), so that every test that
# reads a list after a write also proves the write left no stale page. moto's index has no lag.
os.environ.setdefault("PHOTOSHARE_LIST_CACHE_URL", os.environ["DJANGO_CACHE_URL"])
os.environ.setdefault("PHOTOSHARE_LIST_INDEX_LAG_SECONDS", "0")
# The browser tests' worker (`manage.py worker`) stops within a second instead of a 20 s poll.
os.environ.setdefault("PHOTOSHARE_JOBS_WAIT_SECONDS", "1")
# Mail from the test site (gunicorn children included) goes to files the browser tests read;
# in-process tests get Django's memory backend from pytest-django.
os.environ["EMAIL_BACKEND"] = "django.core.mail.backends.filebased.EmailBackend"
os.environ["EMAIL_FILE_PATH"] = tempfile.mkdtemp(prefix="photoshare-mail-")
# Tests always run with production settings; a throwaway key is enough for them.
os.environ.setdefault("DJANGO_SECRET_KEY", "test-only-" + os.urandom(16).hex())
os.environ["DJANGO_DEBUG"] = "0"
# Production settings except the redirect to HTTPS: the test client speaks plain HTTP.
# photoshare/tests/test_security_settings.py checks the full production set with `check --deploy`.
os.environ["DJANGO_SECURE_SSL_REDIRECT"] = "0"


@pytest.fixture(scope="session")
def moto_server():
    _server.start()
    yield _server
    _server.stop()
