"""Publish real photos for tests the way the upload view does: UploadForm, then publish_photo."""

from gallery.forms import UploadForm
from gallery.photos import publish_photo
from gallery.tests.factories import image_bytes, upload


def publish(owner, title="A photo", tags="", visibility="public", description="", data=None):
    form = UploadForm(
        {"title": title, "description": description, "tags": tags, "visibility": visibility},
        {"image": upload(data=data if data is not None else image_bytes(size=(120, 80)))},
    )
    assert form.is_valid(), form.errors
    return publish_photo(
        owner=owner,
        title=form.cleaned_data["title"],
        description=form.cleaned_data["description"],
        tags=form.cleaned_data["tags"],
        upload=form.cleaned_data["image"],
        prepared=form.prepared_image,
        display=form.display,
        exif=form.exif_facts,
        visibility=form.cleaned_data["visibility"],
    )
