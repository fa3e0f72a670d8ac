from django.core.management.base import BaseCommand

from gallery.media import ensure_bucket
from gallery.metadata import photo_table


class Command(BaseCommand):
    help = "Create the S3 bucket and the DynamoDB table (with its index) if missing; safe to repeat."

    def handle(self, *args, **options):
        bucket, bucket_created = ensure_bucket()
        self.stdout.write(f"S3 bucket {bucket}: {'created' if bucket_created else 'exists'}")
        table = photo_table()
        table_created = table.ensure_table()
        state = "created" if table_created else "exists"
        self.stdout.write(f"DynamoDB table {table.table_name}: {state}, active")
