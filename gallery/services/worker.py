"""The worker: receives jobs from the queue (gallery.storage.sqs) and runs their use case, one at a time.

Run by `manage.py worker` (systemd's photoshare-worker.service on the instances, `make run`
locally). A job is deleted from the queue only once its use case returned; if it raised (a
backend down), the message comes back after the visibility timeout, and after
PHOTOSHARE_JOB_MAX_RECEIVES deliveries SQS moves it to the dead-letter queue. The use case is
told when a delivery is the last, so that it can leave a clear state (a "failed" photo) then.
"""

import logging
import time

from gallery.domain import follows as feed_jobs
from gallery.domain.notifications import SEND_DIGESTS
from gallery.services import downloads, erase, follows, notifications, photos, renditions, trash
from gallery.storage import sqs

logger = logging.getLogger(__name__)

UNREACHABLE_PAUSE_SECONDS = 5

# job name -> use case(body, last_attempt): every job the queue may carry.
HANDLERS = {
    photos.PROCESS_UPLOAD: lambda body, last_attempt: photos.process_upload(
        body["photo_id"], last_attempt=last_attempt
    ),
    # Sent once a day by EventBridge Scheduler (deploy/cloudformation.yaml: TrashPurgeSchedule).
    trash.PURGE_JOB: lambda body, last_attempt: trash.purge_due(),
    # Sent once a day by EventBridge Scheduler (deploy/cloudformation.yaml: DigestSchedule).
    SEND_DIGESTS: lambda body, last_attempt: notifications.send_digests(),
    downloads.BUILD_ARCHIVE: lambda body, last_attempt: downloads.build_job(
        body["job_id"], last_attempt=last_attempt
    ),
    erase.ERASE_ACCOUNT: lambda body, last_attempt: erase.erase_account(
        body["user_id"], language=body.get("language", "")
    ),
    renditions.MAKE_SOURCES: lambda body, last_attempt: renditions.make_sources(body["photo_id"]),
    feed_jobs.FEED_SYNC: lambda body, last_attempt: follows.sync_photo(
        body["photo_id"], body["owner_id"], body["created"]
    ),
    feed_jobs.FEED_FOLLOW: lambda body, last_attempt: follows.backfill(
        body["follower_id"], body["followee_id"]
    ),
    feed_jobs.FEED_UNFOLLOW: lambda body, last_attempt: follows.clean_unfollow(
        body["follower_id"], body["followee_id"]
    ),
}


def run_job(job):
    """Run one received job; returns True if it is done (and was deleted from the queue)."""
    queue = sqs.queue()
    handler = HANDLERS.get(job.body.get("job"))
    if handler is None:
        logger.error("unknown job %r (message %s); left for the dead-letter queue", job.body, job.message_id)
        return False
    try:
        outcome = handler(job.body, queue.is_last_delivery(job))
    except Exception:
        logger.exception(
            "job %r failed (delivery %d); it will be delivered again", job.body, job.receive_count
        )
        return False
    queue.delete(job)
    logger.info("job %r done: %s", job.body, outcome)
    return True


def work(
    *, should_stop=lambda: False, wait_seconds=sqs.LONG_POLL_SECONDS, until_empty=False, pause=time.sleep
):
    """Receive and run jobs until `should_stop()` is true between two receives or, with
    `until_empty`, until a receive finds nothing. A queue that cannot be reached is asked again
    after a pause. Returns the number of jobs done."""
    done = 0
    while not should_stop():
        try:
            batch = sqs.queue().receive(wait_seconds=wait_seconds)
        except sqs.JobsUnavailable:
            if until_empty:
                raise
            pause(UNREACHABLE_PAUSE_SECONDS)  # logged by gallery.storage.sqs
            continue
        if not batch and until_empty:
            break
        for job in batch:
            done += run_job(job)
    return done
