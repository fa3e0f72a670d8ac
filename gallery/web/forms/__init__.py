"""Forms validate and hand over cleaned data; gallery.services does the work.

The site's views and the JSON API validate with the same forms, so a rule (a limit, the form of
a tag, the image checks) holds for both: photos.py (the file, a photo's details, the edit forms'
revision), albums.py, and the fields both use (fields.py).
"""

from gallery.web.forms.albums import AlbumEditForm, AlbumForm
from gallery.web.forms.photos import (
    PhotoChangeForm,
    PhotoDetailsForm,
    PhotoEditForm,
    PhotoFileField,
    RevisionedForm,
    UploadForm,
    ValidatedPhoto,
    failure_reason_message,
    image_error_message,
    over_newer_save,
)

__all__ = [
    "AlbumEditForm",
    "AlbumForm",
    "PhotoChangeForm",
    "PhotoDetailsForm",
    "PhotoEditForm",
    "PhotoFileField",
    "RevisionedForm",
    "UploadForm",
    "ValidatedPhoto",
    "failure_reason_message",
    "image_error_message",
    "over_newer_save",
]
