import signal

from django.conf import settings
from django.core.management.base import BaseCommand

from gallery.imaging.memory import return_large_blocks
from gallery.services.worker import work


class Command(BaseCommand):
    help = "Run queued jobs (a direct upload's sizes) until stopped; SIGTERM ends after the current job."

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="Run what is queued now, then exit.")

    def handle(self, *args, once=False, **options):
        return_large_blocks()  # a worker decodes uploads up to the limits: freed decodes go back
        stopping = []
        signal.signal(signal.SIGTERM, lambda signum, frame: stopping.append(signum))
        if once:
            done = work(wait_seconds=0, until_empty=True)
        else:
            self.stdout.write("worker: waiting for jobs", ending="\n")
            self.stdout.flush()
            wait = settings.PHOTOSHARE_JOBS_WAIT_SECONDS
            done = work(should_stop=lambda: bool(stopping), wait_seconds=wait)
        self.stdout.write(f"worker: {done} jobs done")
