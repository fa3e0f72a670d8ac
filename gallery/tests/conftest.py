"""The browser tests' shared site (gallery/tests/shared_site.py) ends with the last test in a row
that uses it: the next tests of the same run (under xdist, the worker's other tests) must not find
a worker taking their jobs, nor a gunicorn holding a core."""

import pytest

from gallery.tests.shared_site import SHARED


@pytest.hookimpl(tryfirst=True)  # before the session's fixtures (moto) end after the last test
def pytest_runtest_teardown(item, nextitem):
    if nextitem is None or "site" not in nextitem.fixturenames:
        SHARED.stop()
