"""The web server's role grants exactly the S3, DynamoDB and SQS actions the running code needs.

The code's calls are recorded, not listed by hand: each botocore client made during the test
reports every operation it builds (real calls and presigned URLs alike) while the app does all it
does in production: uploads (and a failed one, which removes what it stored), the pages that read
a photo or a list, health checks, init_aws and check_aws on an existing bucket and table,
deleting a photo, `manage.py reconcile --fix`, and a direct upload (presigned POST, complete,
the worker; the browser's POST is signed with the role's credentials, so it needs s3:PutObject,
which the app's own PutObject calls need anyway), and mailing an address confirmation through
django-ses. The operations become IAM actions on the bucket, its objects, the table, its index, the
job queue or the SES identity, and that set must equal what the policies "photoshare-app" and
"photoshare-mail" (in the role) and "photoshare-jobs" (JobQueueAccess) grant.
"""

import io
import re
from dataclasses import dataclass
from unittest import mock

import boto3
import botocore.handlers
import pytest
from django.conf import settings as django_settings
from django.core.management import call_command
from django.test import Client

from deploy.tests import cfn
from gallery.domain import lists
from gallery.services import albums, photos, zips
from gallery.storage import clients, dynamodb, sqs
from gallery.storage.s3.backend import MediaUnavailable
from gallery.tests.direct_uploads import run_worker, upload_file
from gallery.tests.factories import upload

# IAM has no action for TransactWriteItems: each item needs the action of its kind, on its table.
TRANSACTION_ITEM_ACTIONS = {
    "Put": "PutItem",
    "Update": "UpdateItem",
    "Delete": "DeleteItem",
    "ConditionCheck": "ConditionCheckItem",
}
# S3 operation -> (IAM action, what it acts on). HeadBucket needs s3:ListBucket.
S3_ACTIONS = {
    "HeadBucket": ("s3:ListBucket", "bucket"),
    "ListObjectsV2": ("s3:ListBucket", "bucket"),
    "GetPublicAccessBlock": ("s3:GetBucketPublicAccessBlock", "bucket"),
    "GetObject": ("s3:GetObject", "object"),
    "HeadObject": ("s3:GetObject", "object"),
    "PutObject": ("s3:PutObject", "object"),
    "DeleteObject": ("s3:DeleteObject", "object"),
    "DeleteObjects": ("s3:DeleteObject", "object"),
    "CopyObject": ("s3:PutObject", "object"),  # and s3:GetObject on the source: COPY_READS
    # The worker's zip archives (gallery.storage.s3.streaming): a multipart upload is PutObject's,
    # but for its abort, which has an action of its own.
    "CreateMultipartUpload": ("s3:PutObject", "object"),
    "UploadPart": ("s3:PutObject", "object"),
    "CompleteMultipartUpload": ("s3:PutObject", "object"),
    "AbortMultipartUpload": ("s3:AbortMultipartUpload", "object"),
    # botocore's generate_presigned_post builds its URL from the CreateBucket operation; nothing
    # is sent. What the client then does with the signed fields is a PutObject of one key.
    "CreateBucket": ("s3:PutObject", "object"),
}
COPY_READS = ("s3:GetObject", "object")
# The stack's MailFromAddress in these tests; its domain is the SES identity.
MAIL_FROM = "no-reply@photos.example.com"


@dataclass(frozen=True)
class Call:
    service: str
    operation: str
    params: dict


def needed(call):
    """{(IAM action, resource)} for one recorded call."""
    if call.service == "dynamodb":
        if call.operation == "TransactWriteItems":
            tables = {body["TableName"] for item in call.params["TransactItems"] for body in item.values()}
            assert tables == {django_settings.DYNAMODB_TABLE_NAME}
            return {
                (f"dynamodb:{TRANSACTION_ITEM_ACTIONS[kind]}", "table")
                for item in call.params["TransactItems"]
                for kind in item
            }
        tables = set(call.params.get("RequestItems", {})) or {
            call.params.get("TableName")
        }  # Batch*: by table
        assert tables == {django_settings.DYNAMODB_TABLE_NAME}, call
        if call.params.get("IndexName"):
            return {(f"dynamodb:{call.operation}", f"index/{call.params['IndexName']}")}
        return {(f"dynamodb:{call.operation}", "table")}
    if call.service == "s3":
        assert call.params.get("Bucket") == django_settings.AWS_STORAGE_BUCKET_NAME, call
        assert call.operation in S3_ACTIONS, f"map the S3 operation {call.operation} to its IAM action here"
        return {S3_ACTIONS[call.operation], *([COPY_READS] if call.operation == "CopyObject" else [])}
    if call.service == "ses":
        assert call.operation == "SendRawEmail" and call.params["Source"] == MAIL_FROM, call
        return {("ses:SendRawEmail", "identity")}
    if call.service == "sqs":
        queue = call.params.get("QueueName") or call.params["QueueUrl"].rsplit("/", 1)[-1]
        assert queue == django_settings.PHOTOSHARE_JOBS_QUEUE, call
        return {(f"sqs:{call.operation}", "queue")}
    raise AssertionError(f"the code calls {call.service}.{call.operation}; the role grants nothing there")


def resource_of(expression):
    """What a Resource of the app policy designates: bucket, object, table or index/<name>."""
    arn = {
        str({"Fn::GetAtt": ["MediaBucket", "Arn"]}): "bucket",
        str({"Fn::Sub": "${MediaBucket.Arn}/*"}): "object",
        str({"Fn::GetAtt": ["PhotoTable", "Arn"]}): "table",
        str({"Fn::GetAtt": ["JobQueue", "Arn"]}): "queue",
    }.get(str(expression))
    if arn:
        return arn
    if str(expression) == MAIL_IDENTITIES:
        return "identity"
    index = re.fullmatch(r"\$\{PhotoTable\.Arn\}/index/(\w+)", expression.get("Fn::Sub", ""))
    assert index, f"unexpected Resource {expression}"
    return f"index/{index.group(1)}"


# The Resource of the mail policy: the identity of MailFromAddress's domain, or of the address.
MAIL_IDENTITIES = str(
    [
        {
            "Fn::Sub": [
                "arn:${AWS::Partition}:ses:${AWS::Region}:${AWS::AccountId}:identity/${Domain}",
                {"Domain": {"Fn::Select": [1, {"Fn::Split": ["@", {"Ref": "MailFromAddress"}]}]}},
            ]
        },
        {"Fn::Sub": "arn:${AWS::Partition}:ses:${AWS::Region}:${AWS::AccountId}:identity/${MailFromAddress}"},
    ]
)


def as_list(value):
    return value if isinstance(value, list) else [value]


def role_policies():
    """The role's policies; a conditional one (Fn::If [condition, policy, AWS::NoValue]) as it is
    when its condition holds."""
    policies = []
    for policy in cfn.properties("WebServerRole")["Policies"]:
        if "Fn::If" in policy:
            condition, policy, otherwise = policy["Fn::If"]
            assert otherwise == {"Ref": "AWS::NoValue"}, condition
        policies.append(policy)
    return policies


def role_policy(name):
    (policy,) = [p for p in role_policies() if p["PolicyName"] == name]
    return policy["PolicyDocument"]["Statement"]


def jobs_policy():
    policy = cfn.properties("JobQueueAccess")
    assert policy["Roles"] == [{"Ref": "WebServerRole"}] and policy["PolicyName"] == "photoshare-jobs"
    return policy["PolicyDocument"]["Statement"]


def granted():
    pairs = set()
    for statement in [*role_policy("photoshare-app"), *jobs_policy()]:
        assert statement["Effect"] == "Allow" and "Condition" not in statement
        for action in as_list(statement["Action"]):
            for resource in as_list(statement["Resource"]):
                pairs.add((action, resource_of(resource)))
    (mail,) = role_policy("photoshare-mail")
    assert mail["Effect"] == "Allow"
    # Only as the stack's sender, whatever other addresses the domain's identity would allow.
    assert mail["Condition"] == {"StringEquals": {"ses:FromAddress": {"Ref": "MailFromAddress"}}}
    pairs.update((action, resource_of(mail["Resource"])) for action in as_list(mail["Action"]))
    return pairs


@pytest.fixture
def recorded_calls(aws, settings, monkeypatch):
    """Every S3/DynamoDB operation built from now on, by clients made from now on."""
    calls = []

    def record(params, model, **kwargs):
        calls.append(Call(model.service_model.service_name, model.name, dict(params)))

    monkeypatch.setattr(
        botocore.handlers,
        "BUILTIN_HANDLERS",
        [*botocore.handlers.BUILTIN_HANDLERS, ("before-parameter-build", record)],
    )
    # Handlers are a session's, made when it is: the app's clients come from one session of the
    # process (gallery.storage.clients), so a new one is made for the clients made from now on.
    monkeypatch.setattr(clients, "_session", None)
    settings.STORAGES = {**settings.STORAGES}  # a new default_storage, hence a new S3 client
    dynamodb.get_connection.cache_clear()
    sqs.queue.cache_clear()
    yield calls
    dynamodb.get_connection.cache_clear()
    sqs.queue.cache_clear()


@pytest.fixture
def ses_sender(aws, moto_server, settings):
    """django-ses as in production, against moto, sending as MAIL_FROM, whose domain the stack's
    operator verified in SES (before the recording: the code does not verify identities)."""
    ses = boto3.client("ses", endpoint_url=moto_server.url, region_name=settings.AWS_SES_REGION_NAME)
    ses.verify_domain_identity(Domain=MAIL_FROM.split("@")[1])
    settings.MAILERS = {"default": {"BACKEND": "django_ses.SESBackend"}}
    settings.AWS_SES_REGION_ENDPOINT_URL = moto_server.url
    settings.DEFAULT_FROM_EMAIL = MAIL_FROM  # what configure_env.py writes from MailFromAddress


def exercise_the_app(client, user):
    form = {"title": "Harbour", "description": "Boats.", "tags": "sea boats"}
    response = client.post("/upload/", {**form, "image": upload()})
    assert response.status_code == 302
    photo_id = response["Location"].strip("/").split("/")[-1]
    assert client.get(response["Location"]).status_code == 200
    assert client.get("/").status_code == 200
    table = dynamodb.photo_repository()
    assert table.list_page(lists.user_list(user.pk)).items
    assert table.list_page(lists.tag_list("sea")).items
    assert client.get("/healthz").status_code == 200
    call_command("init_aws", stdout=io.StringIO())
    call_command("check_aws", stdout=io.StringIO())
    with mock.patch.object(
        dynamodb.PhotoRepository, "put_photo", side_effect=dynamodb.MetadataUnavailable("down")
    ):
        assert client.post("/upload/", {**form, "image": upload()}).status_code == 503
    # Edits, the tag cloud, search and the admin's photo counts (issue 4).
    table.update_photo(photo_id, title="Harbour at night", tags=["boats"])
    assert table.tag_counts() and table.search_titles("harbour").items
    assert table.photo_counts([user.pk]) == {user.pk: 1}
    # Albums (issue 14): create, add (checks the album exists), pages, cover, share link, remove,
    # delete; the photo's delete then takes it out of the albums it is still in.
    album = albums.create(user, title="Summer", visibility="unlisted")
    albums.add_photo(user, album, photo_id)
    assert client.get(f"/albums/{album.id}/").status_code == 200
    assert client.get(f"/albums/{album.id}/s/{album.share_token}/photos/{photo_id}/").status_code == 200
    assert client.get("/albums/").status_code == 200
    album = albums.new_share_link(albums.set_cover(album, photo_id))
    albums.remove_photo(album, photo_id)
    albums.delete(albums.visible(user, album.id))
    albums.add_photo(user, albums.create(user, title="Kept"), photo_id)
    photos.delete(photo_id)  # items, then every object
    # The admin job: lists the bucket and scans the table (nothing left to remove here).
    call_command("reconcile", "--fix", "--min-age", "0", stdout=io.StringIO())
    # A direct upload (the API, S3 straight from the client, the worker), and one that fails.
    for data in (None, b"not an image"):
        upload_id, completed = upload_file(client, data=data)
        assert completed.status_code == 202
    assert run_worker() == 2
    assert client.get(f"/api/photos/{upload_id}/").json()["status"] == "failed"
    # Zip downloads and the data export (issues 22, 24): streamed from S3, or built by the worker
    # into S3 (a multipart upload; one that fails is aborted), the export's link mailed.
    kept = upload_file(client, data=None)[0]
    run_worker()
    assert b"".join(client.post("/downloads/", {"photo_ids": [kept]}).streaming_content)
    user.email = "alice@example.com"
    user.save()
    assert client.post("/accounts/export/").status_code == 302
    assert run_worker() == 1
    with pytest.raises(MediaUnavailable):
        zips.save([zips.Member(name="gone", key="photos/gone/original.jpg")], "archives/failed.zip")
    # Mail (issue 12): a password-reset link (allauth's, as every account mail), through SES.
    assert Client().post("/accounts/password/reset/", {"email": user.email}).status_code == 302


def test_app_policy_grants_exactly_what_the_code_calls(ses_sender, recorded_calls, logged_in_client, user):
    exercise_the_app(logged_in_client, user)

    operations = {(call.service, call.operation) for call in recorded_calls}
    assert ("dynamodb", "TransactWriteItems") in operations and ("s3", "DeleteObject") in operations
    assert ("sqs", "ReceiveMessage") in operations and ("s3", "CopyObject") in operations
    assert ("ses", "SendRawEmail") in operations
    need = set().union(*(needed(call) for call in recorded_calls))
    grant = granted()
    assert grant == need, f"granted, not used: {grant - need}; used, not granted: {need - grant}"


def test_index_in_the_policy_is_the_one_the_code_queries():
    assert ("dynamodb:Query", f"index/{dynamodb.LISTS_INDEX}") in granted()


def test_deploy_policy_reads_only_the_secrets_the_user_data_names():
    statements = role_policy("photoshare-deploy")
    (secrets,) = [s for s in statements if isinstance(s, dict) and s.get("Sid") == "Secrets"]
    assert secrets["Action"] == "secretsmanager:GetSecretValue"

    def name(expression):
        if "Ref" in expression:
            return expression["Ref"]
        resource, attribute = expression["Fn::GetAtt"]
        return f"{resource}.{attribute}"

    settings, bootstrap = cfn.user_data_parts()
    script = bootstrap + (cfn.TEMPLATE.parent / "instance/deploy.sh").read_text()
    instance = "".join(path.read_text() for path in (cfn.TEMPLATE.parent / "instance").glob("*.py"))
    named = set(re.findall(r"^PHOTOSHARE_\w+_SECRET='\$\{([^}]+)\}'$", settings[0], re.MULTILINE))
    condition, scaled, single = secrets["Resource"]["Fn::If"]
    assert condition == "Scaled"
    assert {name(resource) for resource in single} == named
    assert len(named) == 3
    # Scaled: the web servers never read the RDS master secret (DatabaseSetupRole does).
    assert {name(resource) for resource in scaled} == named - {"Database.MasterUserSecret.SecretArn"}
    # The only AWS calls of the bootstrap, deploy.sh and the Python of deploy/instance: those secrets,
    # and the app artifact when it comes from S3.
    assert re.findall(r"boto3\.client\(\s*\"(\w+)\"", script + instance) == ["secretsmanager"]
    assert set(re.findall(r"secrets\.(\w+)\(", script + instance)) == {"get_secret_value"}
    assert re.findall(r"\baws (\w+ \w+)", script + instance) == ["s3 cp"]
    (logs,) = [s for s in statements if isinstance(s, dict) and s.get("Sid") == "Logs"]
    assert logs["Resource"] == {"Fn::GetAtt": ["LogGroup", "Arn"]}
    (artifacts,) = [s for s in statements if s is not secrets and s is not logs]
    condition, statement, otherwise = artifacts["Fn::If"]
    assert condition == "AppFromS3" and otherwise == {"Ref": "AWS::NoValue"}
    assert statement["Action"] == "s3:GetObject"


def test_role_has_no_wildcards_and_only_session_manager_besides():
    role = cfn.properties("WebServerRole")
    assert role["ManagedPolicyArns"] == [
        {"Fn::Sub": "arn:${AWS::Partition}:iam::aws:policy/AmazonSSMManagedInstanceCore"}
    ]
    for policy in [*role_policies(), cfn.properties("JobQueueAccess")]:
        text = str(policy["PolicyDocument"])
        assert "'*'" not in text and ":*'" not in text, policy["PolicyName"]
