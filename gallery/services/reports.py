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


def report(user, *, photo_id="", comment_id="", reason="", token=None):
    """File a report by `user` of a photo or a comment they may see (a hidden one: 404). An
    album's comment is whoever may read it's to report (`token`: the album's share link); its
    report has no photo_id (the comment's id names its album)."""
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
        comment = comments.find_any(user, comment_id, token=token)[0]
        author_id, photo_id = comment.author_id, comment.photo_id
    else:
        if not is_id(photo_id):
            raise NoSuchPhoto(photo_id)
        author_id = photos.visible(user, photo_id).owner_id
    return Report.objects.create(
        reporter=user, author_id=author_id, photo_id=photo_id, comment_id=comment_id, reason=reason
    )
