from django.core.management.base import BaseCommand

from gallery.services.timeline import backfill_taken


class Command(BaseCommand):
    help = (
        "Give photos stored before the timeline their date taken (EXIF's, else the upload time) "
        "and their timeline card; safe to run again, and while the site runs (a stopped run is "
        "finished by the next)."
    )

    def handle(self, *args, **options):
        updated, changed = backfill_taken(log=lambda photo_id: self.stdout.write(f"photo {photo_id}"))
        self.stdout.write(
            self.style.SUCCESS(
                f"{updated} photos given their date taken; {changed} changed meanwhile (run again)."
            )
        )
