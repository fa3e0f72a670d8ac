from django.core.management.base import BaseCommand

from gallery.services import trash
from gallery.storage import sqs


class Command(BaseCommand):
    help = (
        "Delete for good the photos past their time in the trash (what the worker's daily purge_trash "
        "job does; in AWS EventBridge Scheduler queues that job). --enqueue queues the job instead."
    )

    def add_arguments(self, parser):
        parser.add_argument("--enqueue", action="store_true", help="Queue the job for the worker.")

    def handle(self, *args, enqueue=False, **options):
        if enqueue:
            sqs.queue().send({"job": trash.PURGE_JOB})
            self.stdout.write("purge_trash: queued")
            return
        self.stdout.write(f"purge_trash: {trash.purge_due()} photos deleted for good")
