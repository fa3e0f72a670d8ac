from django.core.management.base import BaseCommand, CommandError

from gallery.services.migration_lock import LockTimeout, migrate_once


class Command(BaseCommand):
    help = "migrate and createcachetable under a database lock: safe when instances boot at once."

    def add_arguments(self, parser):
        parser.add_argument("--timeout", type=int, default=600, help="seconds to wait for the lock")

    def handle(self, *args, timeout, **options):
        try:
            migrate_once(timeout=timeout, stdout=self.stdout)
        except LockTimeout as error:
            raise CommandError(str(error)) from error
