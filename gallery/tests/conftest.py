import pytest

from gallery.metadata import get_connection


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
    return django_user_model.objects.create_user(username="bob", password="another long phrase")


@pytest.fixture
def alice(client, user):
    """The test client, signed in as `user` (alice): the uploader of the direct-upload tests."""
    client.force_login(user)
    return client


class FakeClock:
    """gallery.ratelimit's clock, still unless a test moves it."""

    def __init__(self, now):
        self.now = now

    def __call__(self):
        return self.now

    def advance(self, seconds):
        self.now += seconds


@pytest.fixture(autouse=True)
def clock(monkeypatch):
    """Rate-limit windows start at a fixed instant (the start of a UTC day, so of every window):
    no test depends on where the wall clock is in a window (a run crossing the hour failed)."""
    fake = FakeClock(20_000 * 86_400.0)
    monkeypatch.setattr("gallery.ratelimit.clock", fake)
    return fake
