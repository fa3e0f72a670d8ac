"""What the account page shows of the user's data export (registered as a template tag)."""

from gallery.domain import archives
from gallery.services import downloads


def latest_export(context):
    """{"job", "link", "ready", "pending"} of the signed-in user's newest export, or None."""
    user = context["request"].user
    if not user.is_authenticated:
        return None
    job, link = downloads.latest_export(user)
    if job is None:
        return None
    ready = job.status == archives.READY and link is not None
    return {"job": job, "link": link, "ready": ready, "pending": job.status == archives.PENDING}
