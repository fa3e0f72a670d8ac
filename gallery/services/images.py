"""The image policy of the site, built from its limits in this one place, and the one call that
holds an uploaded file to it: the upload form (and so the API) and the direct-upload worker
both check a photo here, so a limit cannot apply on one path and not the other."""

from gallery.domain.limits import LIMITS
from gallery.imaging.process import SUPPORTED_FORMATS, ImagePolicy, process_image


def image_policy():
    """The limits as they are now (settings are read on each use, so a test's override applies)."""
    return ImagePolicy(
        max_bytes=LIMITS.upload_bytes,
        max_pixels=LIMITS.image_pixels,
        max_full_decode_pixels=LIMITS.full_decode_pixels,
        formats=tuple(SUPPORTED_FORMATS),
    )


def processed_image(fileobj, policy):
    """gallery.imaging.process.process_image of an upload under `policy`, at the site's sizes.
    Raises InvalidImage with the reason shown to the uploader."""
    return process_image(
        fileobj, policy, thumbnail_size=LIMITS.thumbnail_size, display_size=LIMITS.display_size
    )
