import pytest

from gallery.storage.dynamodb import photo_repository


@pytest.fixture
def table(aws):
    """The photo repository, against moto: the table the tests of this folder read and write."""
    return photo_repository()
