from datetime import timedelta

from django.core.management.base import BaseCommand

from gallery.services.reconcile import find_orphans, remove_orphans


class Command(BaseCommand):
    help = (
        "Find S3 objects under photos/ that no DynamoDB item names, items whose objects are "
        "missing, list cards that do not match their photo, album entries that break their rules, "
        "counters that are off, notifications about deleted photos or albums, follow counts and "
        "feed entries that disagree with the follows and photos; with --fix, remove the orphans "
        "and repair the lists, albums, feeds and counters. Items of no known kind are reported, "
        "never removed."
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
        for photo_id in report.stale_lists:
            self.stdout.write(f"list cards not matching their photo: {photo_id}")
        for counter, stored, true in report.wrong_counts:
            self.stdout.write(f"counter {counter} is {stored}, should be {true}")
        for photo_id, fan_id in report.hidden_favorites:
            self.stdout.write(f"favourite of user {fan_id} of private photo {photo_id}")
        for photo_id, stored, true in report.wrong_favorite_counts:
            self.stdout.write(f"favourite count of {photo_id}: {stored}, should be {true}")
        for user_id, stored, true in report.wrong_note_counts:
            self.stdout.write(f"unread count of user {user_id}: {stored}, should be {true}")
        for pk, sk, why in report.stray_notes:
            self.stdout.write(f"notification {pk} {sk}: {why}")
        for photo_id in report.misplaced_favorites:
            self.stdout.write(f"favourites of photo {photo_id} not as its trash state says")
        for problem in report.album_problems:
            photo = f" (photo {problem.photo_id})" if problem.photo_id else ""
            self.stdout.write(f"album {problem.album_id}{photo}: {problem.what}")
        for key in report.unknown_items:
            self.stdout.write(f"item of no known kind (left alone): {key['pk']} {key['sk']}")
        for user_id, stored, true in report.wrong_follow_counts:
            self.stdout.write(
                f"follow counts of user {user_id}: {stored}, should be {true} (followers, following)"
            )
        for problem in report.feed_problems:
            self.stdout.write(
                f"feed of user {problem.follower_id}: {problem.sk}: {problem.what} ({problem.repair})"
            )
        for photo_id, key in report.unlisted_comments:
            self.stdout.write(f"comment {photo_id}{key} not in its author's list")
        for album_id, key in report.stray_album_comments:
            self.stdout.write(f"comment {key} of deleted album {album_id}")
        for key, why in sorted(report.stray_avatars.items()):
            self.stdout.write(f"avatar object {key}: {why} (left alone)")
        for job_id in report.expired_jobs:
            self.stdout.write(f"archive job {job_id} expired (its zip and item go with --fix)")
        if report.recent_objects:
            self.stdout.write(f"{report.recent_objects} unnamed objects younger than {min_age} s left alone")
        if report.clean:
            self.stdout.write(self.style.SUCCESS("No orphans. Lists and counters match the photos."))
        elif fix:
            removed = remove_orphans(report)
            self.stdout.write(
                self.style.SUCCESS(
                    f"Removed {removed} objects and the items of "
                    f"{len(report.broken_photos) + len(report.stray_cards)} photos; rewrote the cards "
                    f"of {len(report.stale_lists)} photos, repaired "
                    f"{len(report.album_problems)} album entries and "
                    f"set {len(report.wrong_counts)} counters; removed "
                    f"{len(report.expired_jobs)} expired archive jobs; recounted the follows of "
                    f"{len(report.wrong_follow_counts)} people and repaired {len(report.feed_problems)} "
                    f"feed items; listed {len(report.unlisted_comments)} comments for their authors; "
                    f"removed {len(report.stray_album_comments)} comments of deleted albums and "
                    f"{len(report.stray_notes)} notifications about what is gone."
                )
            )
        else:
            self.stdout.write(self.style.WARNING("Run with --fix to remove them."))
