from django.core.management.base import BaseCommand

from gallery.storage import sqs
from gallery.storage.dynamodb import ensure_table, get_connection
from gallery.storage.s3.bucket import ensure_bucket


class Command(BaseCommand):
    help = (
        "Create the S3 bucket, the DynamoDB table (with its index) and the job queues if missing; "
        "safe to repeat."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--upload-rules",
            action="store_true",
            help="Also (re)write the bucket's lifecycle and CORS rules of direct uploads (local stack).",
        )

    def handle(self, *args, upload_rules=False, **options):
        bucket, bucket_created = ensure_bucket(upload_rules=upload_rules)
        self.stdout.write(f"S3 bucket {bucket}: {'created' if bucket_created else 'exists'}")
        table_created = ensure_table()
        state = "created" if table_created else "exists"
        self.stdout.write(f"DynamoDB table {get_connection().table_name}: {state}, active")
        queue = sqs.queue()
        queue_created = queue.ensure()
        dead = queue.name + sqs.DEAD_LETTER_SUFFIX
        self.stdout.write(
            f"SQS queue {queue.name} (dead letters: {dead}): {'created' if queue_created else 'exists'}"
        )
