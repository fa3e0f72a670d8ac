from django.core.management.base import BaseCommand

from gallery.domain.notifications import SEND_DIGESTS
from gallery.services import notifications
from gallery.storage import sqs


class Command(BaseCommand):
    help = (
        "Mail each user who chose a notifications digest the one of their last whole period, once "
        "(what the worker's daily send_digests job does; in AWS EventBridge Scheduler queues that "
        "job). --enqueue queues the job instead."
    )

    def add_arguments(self, parser):
        parser.add_argument("--enqueue", action="store_true", help="Queue the job for the worker.")

    def handle(self, *args, enqueue=False, **options):
        if enqueue:
            sqs.queue().send({"job": SEND_DIGESTS})
            self.stdout.write("send_digests: queued")
            return
        self.stdout.write(f"send_digests: {notifications.send_digests()} digests sent")
