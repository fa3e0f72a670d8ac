"""scripts/api_client.py's command line: the token of `walk` comes from the environment, whatever
its first character (the walk itself runs in gallery/tests/api/test_generated_client.py)."""

import string

import pytest
from hypothesis import given
from hypothesis import strategies as st

from scripts import api_client

# secrets.token_urlsafe's alphabet: ApiToken.issue's keys, 1 in 64 of which begin with "-".
URLSAFE = string.ascii_letters + string.digits + "-_"


@given(token=st.text(alphabet=URLSAFE, min_size=1, max_size=43))
def test_walk_is_handed_the_token_of_the_environment_as_it_is(token):
    arguments = api_client.parse_arguments(
        ["walk", "client", "http://127.0.0.1:8000", "photo.jpg"], environ={api_client.TOKEN_VARIABLE: token}
    )

    assert arguments.token == token and str(arguments.image) == "photo.jpg"


def test_a_token_beginning_with_a_dash_is_not_read_as_an_option():
    arguments = api_client.parse_arguments(
        ["walk", "client", "http://127.0.0.1:8000", "photo.jpg"], environ={api_client.TOKEN_VARIABLE: "-Ab_c"}
    )

    assert arguments.token == "-Ab_c"


def test_walk_without_a_token_says_which_variable_to_set(capsys):
    with pytest.raises(SystemExit) as stopped:
        api_client.parse_arguments(["walk", "client", "http://127.0.0.1:8000", "photo.jpg"], environ={})

    assert stopped.value.code == 2 and api_client.TOKEN_VARIABLE in capsys.readouterr().err
