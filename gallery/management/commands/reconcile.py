from datetime import timedelta

from django.core.management.base import BaseCommand

from gallery.reconcile import find_orphans, remove_orphans


class Command(BaseCommand):
    help = (
        "Find S3 objects under photos/ that no DynamoDB item names, and items whose objects are "
        "missing; with --fix, remove them."
    )

    def add_arguments(self, parser):
        parser.add_argument("--fix", action="store_true", help="Remove what is found.")
        parser.add_argument(
            "--min-age",
            type=int,
            default=3600,
            help="Seconds an unnamed object must be old to count as an orphan (default 3600): "
            "younger ones may belong to an upload in progress.",
        )

    def handle(self, *args, fix, min_age, **options):
        report = find_orphans(min_age=timedelta(seconds=min_age))
        self.stdout.write(f"{report.photos} photos, {report.objects} objects under photos/")
        for key in report.orphan_objects:
            self.stdout.write(f"orphan object: {key}")
        for photo_id in report.broken_photos:
            self.stdout.write(f"photo with missing objects: {photo_id}")
        for photo_id in report.stray_cards:
            self.stdout.write(f"list cards without a photo: {photo_id}")
        for photo_id, fan_id in report.hidden_favorites:
            self.stdout.write(f"favourite of user {fan_id} of private photo {photo_id}")
        if report.recent_objects:
            self.stdout.write(f"{report.recent_objects} unnamed objects younger than {min_age} s left alone")
        if report.clean:
            self.stdout.write(self.style.SUCCESS("No orphans."))
        elif fix:
            removed = remove_orphans(report)
            self.stdout.write(
                self.style.SUCCESS(
                    f"Removed {removed} objects and the items of "
                    f"{len(report.broken_photos) + len(report.stray_cards)} photos, "
                    f"and {len(report.hidden_favorites)} favourites of private photos."
                )
            )
        else:
            self.stdout.write(self.style.WARNING("Run with --fix to remove them."))
