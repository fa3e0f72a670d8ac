import pytest

from gallery.domain import access


@pytest.fixture(autouse=True)
def _nobody_suspended(monkeypatch):
    """The domain is pure: its tests hand it the answer to "who is suspended" (the site's comes
    from the database, installed by gallery.apps)."""
    monkeypatch.setattr(access, "_suspended_among", lambda ids: set())
