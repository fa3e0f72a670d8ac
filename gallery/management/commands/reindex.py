from django.core.management.base import BaseCommand

from gallery.services.reconcile import reindex


class Command(BaseCommand):
    help = (
        "Rewrite the list cards of every photo whose cards do not match it (the search's word "
        "cards for photos stored before them included); safe to run again, and while the site runs."
    )

    def handle(self, *args, **options):
        stale, rewritten = reindex()
        self.stdout.write(self.style.SUCCESS(f"{stale} photos had stale cards; rewrote {rewritten}."))
