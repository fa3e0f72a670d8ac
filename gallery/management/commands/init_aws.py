from django.core.management.base import BaseCommand

from gallery.media import ensure_bucket
from gallery.metadata import ensure_table, get_connection


class Command(BaseCommand):
    help = "Create the S3 bucket and the DynamoDB table (with its index) if missing; safe to repeat."

    def handle(self, *args, **options):
        bucket, bucket_created = ensure_bucket()
        self.stdout.write(f"S3 bucket {bucket}: {'created' if bucket_created else 'exists'}")
        table_created = ensure_table()
        state = "created" if table_created else "exists"
        self.stdout.write(f"DynamoDB table {get_connection().table_name}: {state}, active")
