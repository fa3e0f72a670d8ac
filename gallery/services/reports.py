"""Reports to staff: a photo or a comment the reporter can see, with a reason. The admin's
review queue (gallery.admin) acts on them: hide, delete, suspend the author."""

from django.utils.translation import gettext_lazy as _

from gallery.domain.errors import Invalid, NoSuchPhoto
from gallery.domain.ids import is_id
from gallery.domain.limits import LIMITS
from gallery.models import Report
from gallery.services import comments, photos


class ReportInvalid(Invalid):
    code = "invalid_report"


def report(user, *, photo_id="", comment_id="", reason=""):
    """File a report by `user` of a photo or a comment they may see (a hidden one: 404)."""
    reason = (reason or "").strip()
    if bool(photo_id) == bool(comment_id):
        raise ReportInvalid(message=_("Report either a photo or a comment."))
    if not reason:
        raise ReportInvalid(message=_("Say why you report it."))
    if len(reason) > LIMITS.report_reason_length:
        raise ReportInvalid(
            message=_("A reason has at most %(limit)d characters.") % {"limit": LIMITS.report_reason_length}
        )
    if comment_id:
        comment, photo = comments.find(user, comment_id)
        author_id = comment.author_id
    else:
        if not is_id(photo_id):
            raise NoSuchPhoto(photo_id)
        photo = photos.visible(user, photo_id)
        author_id = photo.owner_id
    return Report.objects.create(
        reporter=user, author_id=author_id, photo_id=photo.id, comment_id=comment_id, reason=reason
    )
