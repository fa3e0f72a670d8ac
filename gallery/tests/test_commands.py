import io

from django.core.files.storage import default_storage
from django.core.management import call_command

from gallery.storage.dynamodb import get_connection


def test_init_aws_creates_a_private_bucket_and_the_table_and_is_idempotent(moto_server, capsys):
    moto_server.reset()

    call_command("init_aws")
    call_command("init_aws")

    assert capsys.readouterr().out.splitlines() == [
        "S3 bucket photoshare-test: created",
        "DynamoDB table photoshare-test: created, active",
        "SQS queue photoshare-test-jobs (dead letters: photoshare-test-jobs-dead): created",
        "S3 bucket photoshare-test: exists",
        "DynamoDB table photoshare-test: exists, active",
        "SQS queue photoshare-test-jobs (dead letters: photoshare-test-jobs-dead): exists",
    ]
    s3 = default_storage.connection.meta.client
    block = s3.get_public_access_block(Bucket="photoshare-test")["PublicAccessBlockConfiguration"]
    assert all(block.values())
    # Direct uploads: abandoned ones expire, and the site's pages may POST files to the bucket.
    rules = s3.get_bucket_lifecycle_configuration(Bucket="photoshare-test")["Rules"]
    (expiry,) = [rule for rule in rules if rule["ID"] == "expire-abandoned-uploads"]
    assert expiry["Filter"] == {"Prefix": "uploads/"} and expiry["Expiration"] == {"Days": 1}
    (cors,) = s3.get_bucket_cors(Bucket="photoshare-test")["CORSRules"]
    assert cors["AllowedMethods"] == ["POST"] and "http://127.0.0.1:8000" in cors["AllowedOrigins"]
    connection = get_connection()
    description = connection.client.describe_table(TableName=connection.table_name)["Table"]
    assert description["TableStatus"] == "ACTIVE"
    assert description["GlobalSecondaryIndexes"][0]["IndexName"] == "lists"


def test_init_aws_completes_a_first_run_that_stopped_before_block_public_access(moto_server):
    from gallery.storage.s3.backend import bucket_name, s3_client

    moto_server.reset()
    client = s3_client()
    client.create_bucket(Bucket=bucket_name())  # the first run stopped here

    call_command("init_aws", stdout=io.StringIO())

    config = client.get_public_access_block(Bucket=bucket_name())["PublicAccessBlockConfiguration"]
    assert all(config.values()) and len(config) == 4
