"""Forms validate and hand over cleaned data; gallery.services does the work.

The site's views and the JSON API validate with the same forms, so a rule (a limit, the form of
a tag, the image checks) holds for both: photos.py (the file and a photo's details), albums.py.
"""

from gallery.web.forms.albums import AlbumForm
from gallery.web.forms.photos import (
    PhotoDetailsForm,
    PhotoEditForm,
    PhotoFileField,
    UploadForm,
    ValidatedPhoto,
    image_error_message,
)

__all__ = [
    "AlbumForm",
    "PhotoDetailsForm",
    "PhotoEditForm",
    "PhotoFileField",
    "UploadForm",
    "ValidatedPhoto",
    "image_error_message",
]
