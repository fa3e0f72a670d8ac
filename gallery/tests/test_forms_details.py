"""PhotoDetailsForm (uploads and edits): every tag must work as a URL segment; visibility."""

import pytest

from gallery.forms import PhotoDetailsForm, parse_tags


def details(**fields):
    return PhotoDetailsForm({"title": "A title", "description": "", "tags": "", **fields})


def test_a_leading_hash_is_not_part_of_the_tag():
    assert parse_tags("#sunset, ##sea") == ["sunset", "sea"]


@pytest.mark.parametrize("tags", ["été, new-york, snake_case", "東京"])
def test_tags_of_any_script_and_a_few_marks_are_accepted(tags):
    assert details(tags=tags).is_valid()


@pytest.mark.parametrize("tag", ["a/b", "what?", "100%", "<b>", "c++", "v1.2"])
def test_tags_that_cannot_be_a_url_segment_are_refused(tag):
    form = details(tags=f"sea {tag}")

    assert not form.is_valid()
    assert form.errors["tags"] == [f"Tags can hold only letters, digits, “-” and “_”; not “{tag}”."]


def test_visibility_defaults_to_public():
    form = details()

    assert form.is_valid() and form.cleaned_data["visibility"] == "public"
