from django.core.management.base import BaseCommand

from gallery.services import renditions


class Command(BaseCommand):
    help = (
        "Queue a job for the worker for every photo lacking a size of the renditions table "
        "(photos made before it had them); the worker makes them from the original. Safe to run "
        "again at any time: photos that have every size are skipped, a job delivered twice does nothing."
    )

    def handle(self, *args, **options):
        def progress(queued, total):
            if queued == total or queued % 100 == 0:
                self.stdout.write(f"queued {queued} of {total}")

        result = renditions.backfill(progress)
        self.stdout.write(
            f"{result.photos} photos; {result.queued} queued for the worker, "
            f"{result.photos - result.queued} need nothing."
        )
