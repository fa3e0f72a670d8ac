"""Fixtures of the services' tests."""

import pytest

from gallery.tests.factories import confirmed_user


@pytest.fixture
def people(aws):
    """Ann and Ben, two confirmed accounts (with the empty stores of `aws`)."""
    return confirmed_user("ann", "a long pass phrase"), confirmed_user("ben", "a long pass phrase 2")
