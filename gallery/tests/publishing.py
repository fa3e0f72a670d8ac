"""Publish real photos for tests the way the upload view does: UploadForm, then photos.publish."""

from gallery.services import photos
from gallery.tests.factories import image_bytes, upload
from gallery.web.forms import UploadForm


def publish(owner, title="A photo", tags="", visibility="public", description="", data=None):
    form = UploadForm(
        {"title": title, "description": description, "tags": tags, "visibility": visibility},
        {"image": upload(data=data if data is not None else image_bytes(size=(120, 80)))},
    )
    assert form.is_valid(), form.errors
    return photos.publish(owner, **form.cleaned_data)
