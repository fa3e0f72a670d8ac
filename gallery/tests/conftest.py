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
