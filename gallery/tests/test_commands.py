import io

from django.core.files.storage import default_storage
from django.core.management import call_command

from gallery.metadata import get_connection


def test_init_aws_creates_a_private_bucket_and_the_table_and_is_idempotent(moto_server, capsys):
    moto_server.reset()

    call_command("init_aws")
    call_command("init_aws")

    assert capsys.readouterr().out.splitlines() == [
        "S3 bucket photoshare-test: created",
        "DynamoDB table photoshare-test: created, active",
        "S3 bucket photoshare-test: exists",
        "DynamoDB table photoshare-test: exists, active",
    ]
    s3 = default_storage.connection.meta.client
    block = s3.get_public_access_block(Bucket="photoshare-test")["PublicAccessBlockConfiguration"]
    assert all(block.values())
    connection = get_connection()
    description = connection.client.describe_table(TableName=connection.table_name)["Table"]
    assert description["TableStatus"] == "ACTIVE"
    assert description["GlobalSecondaryIndexes"][0]["IndexName"] == "lists"


def test_init_aws_completes_a_first_run_that_stopped_before_block_public_access(moto_server):
    from gallery import media

    moto_server.reset()
    client = media.s3_client()
    client.create_bucket(Bucket=media.bucket_name())  # the first run stopped here

    call_command("init_aws", stdout=io.StringIO())

    config = client.get_public_access_block(Bucket=media.bucket_name())["PublicAccessBlockConfiguration"]
    assert all(config.values()) and len(config) == 4
