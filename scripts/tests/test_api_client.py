"""scripts/api_client.py's command line: the token of `walk` comes from the environment, whatever
its first character (the walk itself runs in gallery/tests/api/test_generated_client.py)."""

import string

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from scripts import api_client

# secrets.token_urlsafe's alphabet: ApiToken.issue's keys, 1 in 64 of which begin with "-".
URLSAFE = string.ascii_letters + string.digits + "-_"
WALK = ["walk", "client", "http://127.0.0.1:8000", "photo.jpg"]


@given(token=st.text(alphabet=URLSAFE, min_size=1, max_size=43))
@example(token="-Ab_c")  # read as an option when it was an argument
def test_walk_is_handed_the_token_of_the_environment_as_it_is(token):
    arguments = api_client.parse_arguments(WALK, environ={api_client.TOKEN_VARIABLE: token})

    assert arguments.token == token and str(arguments.image) == "photo.jpg"


def test_walk_without_a_token_says_which_variable_to_set(capsys):
    with pytest.raises(SystemExit) as stopped:
        api_client.parse_arguments(WALK, environ={})

    assert stopped.value.code == 2 and api_client.TOKEN_VARIABLE in capsys.readouterr().err
