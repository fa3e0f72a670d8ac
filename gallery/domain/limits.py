"""Every limit an upload or an edit is held to, and its message: defined here, once.

The values are settings (PHOTOSHARE_MAX_*, see the README), read on each use so a test's
override applies. The form, the API, the streaming upload handler and the upload page's
script (which gets the numbers as data attributes) all read them here; nginx's body limit is
derived by the deploy from the same PHOTOSHARE_MAX_UPLOAD_BYTES (deploy/instance/nginx.conf).
"""

from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from gallery.domain.errors import TooLarge
from gallery.domain.tags import invalid_tags


class _Setting:
    """A limit read from settings whenever it is used."""

    def __init__(self, name):
        self.name = name

    def __get__(self, instance, owner):
        return getattr(settings, self.name)


class Limits:
    upload_bytes = _Setting("PHOTOSHARE_MAX_UPLOAD_BYTES")  # the largest file accepted
    # The largest request body: one file plus the form fields (derived from upload_bytes in settings).
    request_bytes = _Setting("DATA_UPLOAD_MAX_MEMORY_SIZE")
    upload_url_seconds = _Setting("PHOTOSHARE_UPLOAD_URL_EXPIRE")  # a presigned upload POST's lifetime
    # The largest body of any request but an upload (forms, JSON).
    form_bytes = _Setting("PHOTOSHARE_MAX_FORM_BYTES")
    image_pixels = _Setting("PHOTOSHARE_MAX_IMAGE_PIXELS")
    # The memory an image of a format decoded whole (all but JPEG) may cost: what bounds a
    # worker's peak (gallery.imaging.policy.decode_pixel_limit turns it into pixels).
    decode_bytes = _Setting("PHOTOSHARE_MAX_DECODE_BYTES")
    thumbnail_size = _Setting("PHOTOSHARE_THUMBNAIL_SIZE")
    display_size = _Setting("PHOTOSHARE_DISPLAY_SIZE")
    title_length = _Setting("PHOTOSHARE_MAX_TITLE_LENGTH")
    description_length = _Setting("PHOTOSHARE_MAX_DESCRIPTION_LENGTH")
    tag_count = _Setting("PHOTOSHARE_MAX_TAGS")
    tag_length = _Setting("PHOTOSHARE_MAX_TAG_LENGTH")
    page_size = _Setting("PHOTOSHARE_PAGE_SIZE")  # cards (or albums) on a page of any list
    api_tokens = _Setting("PHOTOSHARE_MAX_API_TOKENS")  # tokens one user may hold at once
    comment_length = _Setting("PHOTOSHARE_MAX_COMMENT_LENGTH")  # characters in a comment
    report_reason_length = 1000  # characters in a report's reason (the admin reads it whole)
    # Photos one batch action takes (gallery.services.batch): what a request can do well within
    # its time (docs/benchmarks.md), and five pages of the largest list page.
    batch_photos = 500
    trash_days = _Setting("PHOTOSHARE_TRASH_DAYS")  # a trashed photo's days before the purge
    # A person's profile (accounts.models.Profile): what a header line and a short paragraph hold.
    display_name_length = 50
    bio_length = 300

    @property
    def upload_request_bytes(self):
        """The largest body of an upload: one file plus its form fields."""
        return self.upload_bytes + self.form_bytes

    @property
    def tags_text_length(self):
        """The tags field as typed: every tag at its longest, each with a separator and a "#"."""
        return self.tag_count * (self.tag_length + 2)

    @property
    def upload_size_text(self):
        return filesizeformat(self.upload_bytes)

    def too_many_tags_message(self):
        count = self.tag_count
        return ngettext("At most %(count)d tag, please.", "At most %(count)d tags, please.", count) % {
            "count": count
        }

    def tags_error(self, tags):
        """What is wrong with a photo's list of (canonical) tags, or "": too many, a character
        a tag may not hold, one too long. The forms, the API and the batch actions ask here."""
        if len(tags) > self.tag_count:
            return self.too_many_tags_message()
        if invalid := invalid_tags(tags):
            return _("Tags can hold only letters, digits, “-” and “_”; not “%(tag)s”.") % {"tag": invalid[0]}
        if any(len(tag) > self.tag_length for tag in tags):
            return ngettext(
                "Tags can be at most %(count)d character long.",
                "Tags can be at most %(count)d characters long.",
                self.tag_length,
            ) % {"count": self.tag_length}
        return ""

    def body_too_large_message(self, limit):
        return _("The request is larger than the limit of %(size)s. Nothing was stored.") % {
            "size": filesizeformat(limit)
        }

    def file_too_large_message(self, size=None):
        """What the uploader reads when a file passes the limit: with its size when known (the
        form), without when it was stopped while streaming (gallery.web.body_limits)."""
        if size is None:
            return _("The file is too large; the limit is %(limit)s. Nothing was stored.") % {
                "limit": self.upload_size_text
            }
        return _("The file is %(size)s; the limit is %(limit)s.") % {
            "size": filesizeformat(size),
            "limit": self.upload_size_text,
        }


LIMITS = Limits()


def require_file_size(size):
    """Refuse a file of `size` bytes over LIMITS.upload_bytes (FileTooLarge, a 413)."""
    if size > LIMITS.upload_bytes:
        raise FileTooLarge(size)
    return size


class FileTooLarge(TooLarge):
    """A file over LIMITS.upload_bytes: its size when known (None when it was stopped while
    streaming), and the one message every upload path gives."""

    code = "file_too_large"

    def __init__(self, size=None):
        super().__init__(size)
        self.size = size

    @property
    def message(self):
        return LIMITS.file_too_large_message(self.size)
