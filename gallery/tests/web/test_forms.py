"""The forms on their own: what uploads and edits accept, and the messages for what they refuse."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from gallery.imaging import policy as policy_module
from gallery.storage import dynamodb
from gallery.tests.corpus import long_comment_gif, phone_heic
from gallery.tests.factories import image_bytes, noise_image_bytes, upload
from gallery.web.forms import PhotoDetailsForm, UploadForm
from gallery.web.forms.photos import failure_reason_message


def form_with(**fields):
    data = {"title": "A title", "description": "", "tags": ""}
    data.update(fields)
    image = SimpleUploadedFile("photo.jpg", image_bytes(size=(80, 60)), content_type="image/jpeg")
    return UploadForm(data, {"image": image})


def details(**fields):
    return PhotoDetailsForm({"title": "A title", "description": "", "tags": "", **fields})


def test_a_valid_upload_cleans_to_the_file_and_its_processed_image():
    form = form_with(tags="A b")

    assert form.is_valid(), form.errors
    assert form.cleaned_data["tags"] == ["a", "b"]
    validated = form.cleaned_data["image"]
    assert validated.file.name == "photo.jpg"
    assert validated.processed.thumbnail.width == 80
    assert validated.processed.format == "JPEG"


def test_an_image_error_carries_its_code():
    form = UploadForm({"title": "x"}, {"image": SimpleUploadedFile("notes.jpg", b"plain text")})

    assert not form.is_valid()
    assert form.has_error("image", code="not_an_image")
    assert "not an image" in form.errors["image"][0]


def test_a_file_over_the_limit_is_refused_with_its_size(settings):
    settings.PHOTOSHARE_MAX_UPLOAD_BYTES = 10 * 1024
    big = SimpleUploadedFile("big.png", noise_image_bytes(size=(100, 100)), content_type="image/png")

    form = UploadForm({"title": "Big"}, {"image": big})

    assert form.has_error("image", code="too_large")
    assert "the limit is 10.0\xa0KB" in form.errors["image"][0]


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


def test_a_file_of_exactly_the_limit_is_accepted_and_one_byte_more_is_refused(settings):
    data = image_bytes(size=(80, 60))
    settings.PHOTOSHARE_MAX_UPLOAD_BYTES = len(data)

    at_limit = UploadForm({"title": "At"}, {"image": SimpleUploadedFile("at.jpg", data)})
    over = UploadForm({"title": "Over"}, {"image": SimpleUploadedFile("over.jpg", data + b"\0")})

    assert at_limit.is_valid(), at_limit.errors
    assert over.has_error("image", code="too_large")


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["comment over 64 KB.gif", "iphone.heic"])
def test_a_long_comment_or_a_phone_heic_is_published_by_the_upload_page(aws, logged_in_client, name):
    """Both answered 500 ("Comment is too long") or 400 ("damaged or incomplete") before."""
    data = long_comment_gif() if name.endswith(".gif") else phone_heic()

    response = logged_in_client.post("/upload/", {"title": "Kept", "image": upload(name, data)})

    assert response.status_code == 302, response.content.decode()[:500]
    photo = dynamodb.photo_repository().list_page("ALL", limit=1).items[0]
    assert b"x" * 100 not in aws.read(photo.thumbnail_key)


@pytest.mark.django_db
def test_an_image_refusal_is_shown_in_korean(settings):
    settings.PHOTOSHARE_MAX_DECODE_BYTES = 14 * 999_999
    data = image_bytes(format="TIFF", size=(1000, 1000))

    with translation.override("ko"):
        form = UploadForm({"title": "Big"}, {"image": SimpleUploadedFile("big.tif", data)})
        message = form.errors["image"][0]

    assert form.has_error("image", code="too_many_pixels")
    assert "0.999999" in message and "TIFF" in message and "pixels" not in message


@pytest.mark.django_db
def test_a_refusal_for_transparency_is_shown_in_korean(settings):
    """An RGBA TIFF costs 22 bytes a pixel: a 13.2 MB budget takes 0.6 MP of it, and the message
    says why (an RGBA PNG of 8 bits is decoded in bands: held to the pixel limit alone)."""
    settings.PHOTOSHARE_MAX_DECODE_BYTES = 22 * 599_999
    data = image_bytes(format="TIFF", size=(1000, 1000), mode="RGBA")

    with translation.override("ko"):
        form = UploadForm({"title": "Big"}, {"image": SimpleUploadedFile("big.tif", data)})
        message = form.errors["image"][0]

    assert message == (
        "이미지의 화소 수가 너무 많아요. 투명한 부분이 있는 TIFF 이미지는 최대 "
        "0.599999메가픽셀까지예요(JPEG는 50)."
    )


@pytest.mark.parametrize(
    "refusal",
    [
        policy_module.too_many_pixels(50_000_000),
        policy_module.too_many_pixels(8_900_000, "TIFF", 50_000_000),
        policy_module.too_many_pixels(5_600_000, "TIFF", 50_000_000, alpha=True),
        policy_module.too_many_pixels(8_900_000, "PNG", 50_000_000, in_bands=False),
        policy_module.too_many_pixels(5_000_000, "WebP", 50_000_000, lossless=True),
    ],
    ids=["any", "format", "transparency", "png-decoded-whole", "lossless-webp"],
)
def test_a_stored_pixel_refusal_is_read_back_in_korean_with_its_figures(refusal):
    """A failed photo keeps its reason in English (gallery.services.photos); its page shows it in
    the reader's language, figures included."""
    with translation.override("ko"):
        shown = failure_reason_message(str(refusal))

    assert "화소 수가 너무 많아요" in shown and refusal.params["megapixels"] in shown
    assert "megapixels" not in shown
