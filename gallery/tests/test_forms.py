import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from gallery.forms import UploadForm, parse_tags
from gallery.tests.factories import image_bytes


@pytest.mark.parametrize(
    ("text", "tags"),
    [
        ("Sea, sunset", ["sea", "sunset"]),
        ("  sea   SUNSET,,sea ", ["sea", "sunset"]),
        ("beach\tboats\nbeach", ["beach", "boats"]),
        ("", []),
        (" , ,", []),
    ],
)
def test_tags_are_split_trimmed_lower_cased_and_deduplicated(text, tags):
    assert parse_tags(text) == tags


def form_with(**fields):
    data = {"title": "A title", "description": "", "tags": ""}
    data.update(fields)
    image = SimpleUploadedFile("photo.jpg", image_bytes(size=(80, 60)), content_type="image/jpeg")
    return UploadForm(data, {"image": image})


def test_valid_form_prepares_the_thumbnail():
    form = form_with(tags="A b")

    assert form.is_valid(), form.errors
    assert form.cleaned_data["tags"] == ["a", "b"]
    assert form.processed.thumbnail.width == 80


@pytest.mark.parametrize("title", ["", "   "])
def test_blank_title_is_required(title):
    form = form_with(title=title)

    assert not form.is_valid()
    assert form.errors["title"] == ["This field is required."]


def test_title_and_description_are_trimmed():
    form = form_with(title="  Sunset  ", description="  nice \n")

    assert form.is_valid()
    assert (form.cleaned_data["title"], form.cleaned_data["description"]) == ("Sunset", "nice")


def test_too_many_tags_is_an_error(settings):
    settings.PHOTOSHARE_MAX_TAGS = 3

    form = form_with(tags="a b c d")

    assert form.errors["tags"] == ["At most 3 tags, please."]


def test_overlong_tag_is_an_error(settings):
    form = form_with(tags="x" * (settings.PHOTOSHARE_MAX_TAG_LENGTH + 1))

    assert "at most 50 characters" in form.errors["tags"][0]
