from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from gallery.services import erase


class Command(BaseCommand):
    help = (
        'Finish deleting the named accounts, each already marked by its owner\'s "Delete my account" '
        "(what the worker's erase_account job does: for a job the dead-letter queue took after an "
        "outage). An active account is refused; one already gone is done."
    )

    def add_arguments(self, parser):
        parser.add_argument("usernames", nargs="+")

    def handle(self, *args, usernames=(), **options):
        users = get_user_model().objects
        for username in usernames:
            user_id = users.filter(username=username).values_list("pk", flat=True).first()
            outcome = erase.erase_account(user_id) if user_id is not None else "gone"
            self.stdout.write(f"{username}: {outcome}")
            if outcome == "refused":
                raise CommandError(f"{username} is active: only a marked account is deleted")
