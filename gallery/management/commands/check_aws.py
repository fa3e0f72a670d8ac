from django.core.management.base import BaseCommand, CommandError

from gallery.storage.health import check_backends


class Command(BaseCommand):
    help = "Report whether the database, S3 and DynamoDB are reachable; exits non-zero if one is not."

    def handle(self, *args, **options):
        results = check_backends()
        for name, state in results.items():
            style = self.style.SUCCESS if state == "ok" else self.style.ERROR
            self.stdout.write(f"{name}: {style(state)}")
        failing = [name for name, state in results.items() if state != "ok"]
        if failing:
            raise CommandError(f"unreachable: {', '.join(failing)} (details in the log)")
