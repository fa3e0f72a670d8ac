"""gallery.catalog: the rules of which lists a photo is in (no AWS)."""

import pytest

from gallery.catalog import normalize_title


@pytest.mark.parametrize(
    ("title", "normalized"),
    [("Été à l'Île!", "ete a l ile"), ("  Two   spaces_and-dash ", "two spaces and dash"), ("!!!", "")],
)
def test_normalize_title(title, normalized):
    assert normalize_title(title) == normalized
