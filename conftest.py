"""Fixtures shared by all tests: a clean local S3 + DynamoDB, users, and images made in memory.

Where a run's time goes (profile of 2026-12-07, -n 2, SQLite, load 7-10; docs/benchmarks.md, "CI
time"): the two long groups (below) end after ~10-12 min each, side by side; the ~2 100 single
tests take the rest, ~2 s each at that load, most of it setup (a user's password hash was ~0.45 s
of CPU: now gallery/tests/hashers.py) and moto calls over HTTP. The long profiles of the
invariant machine and the API fuzz are `make invariants` / `make api-fuzz`, not part of a run."""

import os
import re

import pytest
from _pytest.nodeid import NodeId
from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.test import override_settings
from django.utils import translation
from whitenoise.base import WhiteNoise

from devstack import prepared
from gallery.storage import sqs
from gallery.storage.dynamodb import get_connection, listcache
from gallery.tests.clocks import FakeClock
from gallery.tests.factories import confirmed_user


def pytest_report_header(config):
    """Name the accounts database at the top of every run (CI shows it is MariaDB)."""
    database = settings.DATABASES["default"]
    where = database.get("HOST") or database["NAME"]
    return f"accounts database: {database['ENGINE']} at {where}"


def pytest_sessionstart(session):
    """Pages use the manifest static storage of production: build its manifest once per run, in
    the process that starts the xdist workers (or runs the tests itself with -n 0), before any
    worker does: two collectstatic at once in staticfiles/ would tear each other's files. Skipped
    when staticfiles/ already holds these files' output (devstack/prepared.py)."""
    if hasattr(session.config, "workerinput") or session.config.option.collectonly:
        return
    prepared.collect_static()


# The long tests: the deploy rehearsals and the browser tests. Under pytest-xdist (`make test`:
# -n auto --dist loadgroup) they are split in LONG_GROUPS groups, each run on one worker, one test
# at a time: the rehearsals together and first (they share the host's app user and MariaDB: their
# host_lock would leave another worker waiting), then every other browser module, whole (a module's
# tests share one gunicorn, worker and chromium: gallery/tests/shared_site.py). xdist sends the
# groups out first, the largest first, one to each worker, so that the long chains start at once
# side by side (one browser group was the longest chain of the run); the single tests fill in
# behind them, each to whichever worker has the fewest left.
LONG_GROUPS = 2
# Single tests of a minute or more at load 7 (a bench's own stack, the invariant machine, whole
# account erasures): sent out first of the singles, so that the run does not end with one worker
# on a long one while the other has nothing left (they came last: scripts/ is collected last).
# The local-stack bench and make run's four starts (devstack/tests/test_run.py, 19-32 s each at load
# 5) were left out and came near the very end (devstack/ and scripts/ are collected last).
LONG_SINGLES = (
    "scripts/tests/test_benches.py",
    "scripts/tests/test_bench_local_stack.py",
    "gallery/tests/test_invariants.py",
    "devstack/tests/test_run.py",
    "gallery/tests/services/test_erase.py",
    "gallery/tests/api/test_fuzz.py",
)


@pytest.hookimpl(wrapper=True)  # around every other plugin's hook, xdist's and pytest-django's
def pytest_collection_modifyitems(config, items):
    browser_modules = []
    for item in items:
        if item.get_closest_marker("rehearsal"):
            item.add_marker(pytest.mark.xdist_group("long-0"))
        elif item.get_closest_marker("browser"):
            if item.module not in browser_modules:
                browser_modules.append(item.module)
            # The rehearsals' group takes the second module, the others the first.
            group = (browser_modules.index(item.module) + 1) % LONG_GROUPS
            item.add_marker(pytest.mark.xdist_group(f"long-{group}"))
    yield  # xdist reads the marks; pytest-django puts the tests without a database last
    # A group runs in collection order: the rehearsals at its start, not after half the browsers.
    items.sort(key=lambda item: (item.get_closest_marker("rehearsal") is None, not is_long_single(item)))
    if config.getoption("loadgroup", False):  # set on an xdist worker of `make test`
        name_the_groups(items)


def is_long_single(item):
    return item.nodeid.startswith(LONG_SINGLES)


def name_the_groups(items):
    """What xdist 3.8 does on a worker under --dist loadgroup, again: the controller groups the tests
    by the "@<group>" ending of their node ids. xdist sets item._nodeid, which pytest 9.2 no longer
    reads (Node.nodeid comes from item._id): without this no group held together, every browser
    test and rehearsal went to either worker, and each browser test started its own gunicorn."""
    for item in items:
        names = sorted(
            {
                mark.args[0] if mark.args else mark.kwargs.get("name", "default")
                for mark in item.iter_markers("xdist_group")
            }
        )
        if names and "@" not in item.nodeid.rpartition("]")[2]:
            item._id = NodeId.parse(f"{item.nodeid}@{'_'.join(names)}")


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix, tmp_path_factory):
    # A file instead of SQLite's in-memory test database, so that the gunicorn serving the
    # browser tests (another process) sees the same accounts. Under xdist, tmp_path_factory is the
    # worker's own; a MySQL test database is named for the worker by the suffix fixture.
    database = settings.DATABASES["default"]
    if database["ENGINE"] == "django.db.backends.sqlite3":
        database.setdefault("TEST", {})["NAME"] = str(tmp_path_factory.mktemp("db") / "test.sqlite3")


@pytest.fixture(scope="session", autouse=True)
def _fast_password_hashes():
    """Passwords hashed as in production but cheaply (gallery/tests/hashers.py); production's own
    hashers stay second, so a hash they made still verifies. The browser tests' gunicorn keeps
    production's settings."""
    hashers = ["gallery.tests.hashers.FastPBKDF2PasswordHasher", *settings.PASSWORD_HASHERS]
    with override_settings(PASSWORD_HASHERS=hashers):
        yield


@pytest.fixture(autouse=True)
def _nobody_suspended_without_a_database(request, monkeypatch):
    """Who is suspended is in the database (gallery.services.suspensions, asked by the access
    rules): a test without one is handed "nobody" (the pure rules' tests, the storage's)."""
    with_database = {"db", "transactional_db"} & set(request.fixturenames)
    if not with_database and not request.node.get_closest_marker("django_db"):
        monkeypatch.setattr("gallery.domain.access._suspended_among", lambda ids: set())


@pytest.fixture(autouse=True)
def _site_language():
    """Every test starts in the site's default language: a request that activated Korean (the
    locale or account-language middleware) leaves it active in its thread, and a test that makes
    messages without a request then ran in Korean (seen as flaky tests under xdist)."""
    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def _empty_cache():
    # The rate limits count in the cache: every test starts with none of its hits used, and
    # leaves none behind in a shared Redis.
    clear_default_cache()
    yield
    clear_default_cache()


def clear_default_cache():
    """Empty the default cache and the list pages' cache (a Redis one: this worker's keys alone)."""
    for alias in ("default", settings.PHOTOSHARE_LIST_CACHE):
        caches[alias].clear()
    listcache.forget_generation()  # the generation a process trusted went with its keys


def _clear_own_keys(cache):
    """RedisCache.clear() in the tests. Django's is a FLUSHDB: in the Redis that the xdist workers
    (and other runs) share, each under a key prefix of its own (devstack/pytest_plugin.py), a test's
    cache.clear() emptied the other workers' counts mid-test (a password-reset limit's third
    request let through, twice in CI). Here it deletes the keys of the cache's own prefix."""
    client = cache._cache.get_client(write=True)
    prefix = re.sub(r"([*?\[\]\\])", r"\\\1", cache.key_prefix)  # a glob: its own characters literal
    keys = list(client.scan_iter(match=f"{prefix}:*", count=1000))
    if keys:
        client.delete(*keys)


RedisCache.clear = _clear_own_keys  # photoshare.caches' subclass too


_scanned_static_roots = {}
_scan_static_root = WhiteNoise.update_files_dictionary


def _scan_static_root_once(whitenoise, root, prefix):
    """WhiteNoise's scan of STATIC_ROOT in the tests. Django's test Client loads the middleware
    afresh for every client, and WhiteNoise stats and describes each of the ~650 collected files
    every time (50-75 ms of CPU; ~11 % of the web views' tests). Production builds it once a
    process. The files do not change in a run (collected once, before the workers start), so a
    process scans a root once for the settings the entries are made from, and every middleware
    after the first gets the same (read-only) entries."""
    options = [name for name in dir(settings) if name.startswith("WHITENOISE_")]
    key = (
        type(whitenoise),
        root,
        prefix,
        os.stat(root).st_mtime_ns,
        settings.STATIC_URL,
        repr(settings.STORAGES.get("staticfiles")),
        tuple((name, repr(getattr(settings, name))) for name in options),
    )
    if key not in _scanned_static_roots:
        before = dict(whitenoise.files)
        _scan_static_root(whitenoise, root, prefix)
        _scanned_static_roots[key] = {
            url: entry for url, entry in whitenoise.files.items() if before.get(url) is not entry
        }
    whitenoise.files.update(_scanned_static_roots[key])


WhiteNoise.update_files_dictionary = _scan_static_root_once


@pytest.fixture
def aws(moto_server):
    """An empty bucket and table on the session's moto server, over real HTTP: made by init_aws
    once per setup (the names and queue settings), then put back by the server from its memory
    (~0.12 s of ~14 calls saved per test)."""
    queue = sqs.queue()
    key = repr((default_storage.bucket_name, get_connection().table_name, queue.name,
                queue.visibility_timeout, queue.max_receives))  # fmt: skip
    if not moto_server.restore(key):
        moto_server.reset()
        call_command("init_aws", verbosity=0)
        moto_server.checkpoint(key)
    return AwsState()


class AwsState:
    """What the tests look at in the backends, read straight from S3 and DynamoDB."""

    @property
    def s3(self):
        return default_storage.connection.meta.client

    @property
    def bucket(self):
        return default_storage.bucket_name

    def object_keys(self):
        response = self.s3.list_objects_v2(Bucket=self.bucket)
        return sorted(item["Key"] for item in response.get("Contents", []))

    def head(self, key):
        return self.s3.head_object(Bucket=self.bucket, Key=key)

    def read(self, key):
        return self.s3.get_object(Bucket=self.bucket, Key=key)["Body"].read()

    def table_items(self):
        return get_connection().table.scan()["Items"]  # a Scan is fine for a test's look


@pytest.fixture
def user(django_user_model):
    return confirmed_user("alice", "correct horse battery")


@pytest.fixture
def logged_in_client(client, user):
    client.force_login(user)
    return client


@pytest.fixture
def dynamodb_calls(aws):
    """Names of the DynamoDB operations sent from now on."""
    calls = []
    events = get_connection().client.meta.events

    def record(model, **kwargs):
        calls.append(model.name)

    events.register("before-call.dynamodb", record)
    yield calls
    events.unregister("before-call.dynamodb", record)


@pytest.fixture
def bob(django_user_model):
    return confirmed_user("bob", "another long phrase")


@pytest.fixture
def alice(logged_in_client):
    """The test client, signed in as `user` (alice): the uploader of the direct-upload tests."""
    return logged_in_client


@pytest.fixture(autouse=True)
def clock(monkeypatch):
    """Rate-limit windows start at a fixed instant (the start of a UTC day, so of every window):
    no test depends on where the wall clock is in a window (a run crossing the hour failed)."""
    fake = FakeClock(20_000 * 86_400.0)
    monkeypatch.setattr("gallery.services.ratelimit.clock", fake)
    return fake
