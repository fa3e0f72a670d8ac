"""The media storage: django-storages' S3Storage with headers that photoshare decides.

Every object's Content-Type comes from its key, which photoshare builds from the detected
image format (photos/<id>/original.<ext>, photos/<id>/thumb.jpg); what the browser claimed
about the upload is never stored. Originals are the uploaded bytes, which may carry more than
an image (a JPEG+HTML polyglot is still a valid JPEG), so they are served as attachments: a
browser opening one directly downloads it and never renders it. Re-encoded sizes are inline.
"""

import posixpath

from storages.backends.s3 import S3Storage

from gallery.images import JPEG_CONTENT_TYPE, SUPPORTED_FORMATS

CONTENT_TYPES = {extension: content_type for extension, content_type in SUPPORTED_FORMATS.values()}
CONTENT_TYPES.setdefault("jpg", JPEG_CONTENT_TYPE)
# Stored when a key has no known image extension, so nothing can be rendered from it.
FALLBACK_CONTENT_TYPE = "application/octet-stream"


class PhotoStorage(S3Storage):
    def get_object_parameters(self, name):
        params = super().get_object_parameters(name)
        stem, extension = posixpath.splitext(posixpath.basename(name))
        params["ContentType"] = CONTENT_TYPES.get(extension.lstrip(".").lower(), FALLBACK_CONTENT_TYPE)
        if stem == "original" or params["ContentType"] == FALLBACK_CONTENT_TYPE:
            photo_id = posixpath.basename(posixpath.dirname(name))
            # The file name is built from our id, never from the uploader's file name.
            params["ContentDisposition"] = f'attachment; filename="photo-{photo_id}{extension}"'
        else:
            params["ContentDisposition"] = "inline"
        return params
