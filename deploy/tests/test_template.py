"""deploy/cloudformation.yaml: lint-clean, its user data a short bootstrap (the only copy of it, read
from here), its table the code's."""

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings as django_settings

from deploy.tests import cfn
from gallery.storage import sqs
from gallery.storage.dynamodb import table_schema
from gallery.storage.s3.keys import UPLOADS_PREFIX

DEPLOY = cfn.TEMPLATE.parent
DEPLOY_SCRIPT = DEPLOY / "instance/deploy.sh"
USER_DATA_LIMIT = 16 * 1024  # EC2 refuses more user data than this, before base64
# The user data stays a bootstrap: the work is the release's deploy.sh, which has no limit.
USER_DATA_BUDGET = 6 * 1024  # the settings and the bootstrap, every value at its longest
BOOTSTRAP_BUDGET = 3 * 1024  # the bootstrap alone


def test_cfn_lint_finds_nothing_not_even_informational():
    cfn_lint = shutil.which("cfn-lint", path=f"{Path(sys.executable).parent}:/usr/local/bin:/usr/bin")
    if cfn_lint is None:
        pytest.skip("cfn-lint is not installed (pip install cfn-lint; requirements-dev.txt)")
    result = subprocess.run(
        [cfn_lint, "--include-checks", "I", "--", str(cfn.TEMPLATE)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_template_holds_the_only_copy_of_the_bootstrap_which_runs_the_releases_deploy_script():
    """No script copied into the template, nor a copy kept in step: the bootstrap is written in the
    template, and everything else is the release's deploy/instance/deploy.sh."""
    bootstrap = cfn.bootstrap()
    assert not (DEPLOY / "userdata.sh").exists() and not (DEPLOY / "sync_template.py").exists()
    first_line = bootstrap.splitlines()[0]
    files = [path for path in DEPLOY.rglob("*") if path.is_file() and path.suffix != ".pyc"]
    assert [path for path in files if first_line in path.read_text(errors="ignore")] == [cfn.TEMPLATE]
    assert bootstrap.rstrip().endswith('bash "$release/deploy/instance/deploy.sh"')
    # What deploy.sh does stays there: packages beyond the fetch, the app user, the venv, the services.
    for word in ("install_file", "systemctl", "useradd", "pip", "nginx", "configure_env", "migrate"):
        assert not re.search(rf"\b{word}\b", bootstrap), word


# The longest each setting can be: the parameters' limits (MaxLength, checked below), the services'
# own, and for generated names what those bounds allow.
STACK_NAME = 80 - len("-jobs-dead")  # ${AWS::StackName}-jobs-dead is an SQS queue name: 80 at most
LONGEST = {
    "AWS::StackName": STACK_NAME,
    "AWS::Region": 14,
    "AppSource": 200,
    "AppVersion": 100,
    "MediaBucket": 63,
    "PhotoTable": STACK_NAME + len("-PhotoTable-") + 18,  # CloudFormation's <stack>-<id>-<random>
    "JobQueue.QueueName": STACK_NAME + len("-jobs"),
    "Database.Endpoint.Address": 140,
    "Database.Endpoint.Port": 5,
    "DatabaseName": 32,
    "Database.MasterUserSecret.SecretArn": 128,  # about 110: ...:secret:rds!db-<uuid>-<6>
    "AppDatabaseSecret": 128,  # about 100: ...:secret:<LogicalId>-<12>-<6>
    "DjangoSecretKey": 128,
    "Hosts": 15 + 1 + 253,
    "MaxUploadBytes": 9,
    "MailFromAddress": 254,  # the longest address SMTP carries
    "DatabaseAccount": 6,
    "CacheUrl": 9 + 128 + 6 + 2,
    "LogGroup": STACK_NAME + len("-LogGroup-") + 18,  # generated as PhotoTable is
    "BehindLoadBalancer": 5,
    "TrustedProxies": 1,
    "SignalledResource": 14,
}


def test_user_data_stays_well_under_what_ec2_accepts_even_with_the_longest_names():
    longest = {name: "x" * length for name, length in LONGEST.items()}
    size = len(cfn.user_data(longest).encode())
    bootstrap = len(cfn.bootstrap().encode())
    assert size <= USER_DATA_BUDGET < USER_DATA_LIMIT, f"{size} bytes of user data"
    assert bootstrap <= BOOTSTRAP_BUDGET, f"a bootstrap of {bootstrap} bytes: move the work to deploy.sh"


def test_the_longest_values_are_the_parameters_limits():
    parameters = cfn.template()["Parameters"]
    for name in ("AppSource", "AppVersion", "MailFromAddress"):
        assert parameters[name]["MaxLength"] == LONGEST[name], name
    assert LONGEST["Hosts"] == len("255.255.255.255,") + parameters["DomainName"]["MaxLength"]
    assert cfn.properties("JobDeadLetterQueue")["QueueName"] == {"Fn::Sub": "${AWS::StackName}-jobs-dead"}


def test_settings_in_front_of_the_bootstrap_are_the_ones_it_and_deploy_sh_read():
    settings, bootstrap = cfn.user_data_parts()
    script = DEPLOY_SCRIPT.read_text()
    text = settings if isinstance(settings, str) else settings[0]
    assigned = set(re.findall(r"^(PHOTOSHARE_\w+)=", text, re.MULTILINE))
    required = set(re.search(r"for name in (PHOTOSHARE_.*?); do", script, re.DOTALL).group(1).split()) - {
        "\\"
    }
    # The bootstrap's own, less what the rehearsal alone sets and what it passes to deploy.sh.
    hooks = {"PHOTOSHARE_ROOT", "PHOTOSHARE_CFN_SIGNAL", "PHOTOSHARE_INSTANCE_ROLE", "PHOTOSHARE_BOOTSTRAP"}
    required |= set(re.findall(r"\$\{?(PHOTOSHARE_\w+)", bootstrap)) - hooks
    # Read by the bootstrap, deploy.sh, or the Python of deploy/instance run with them exported.
    instance = "".join(path.read_text() for path in (DEPLOY / "instance").glob("*.py"))
    read = set(re.findall(r"PHOTOSHARE_\w+", bootstrap + script + instance))
    assert {"PHOTOSHARE_APP_SOURCE", "PHOTOSHARE_APP_VERSION", "PHOTOSHARE_CFN_STACK"} <= required
    assert required <= assigned, f"the template does not set {required - assigned}"
    assert assigned <= read, f"nothing reads {assigned - read}"


def test_table_has_exactly_the_keys_and_indexes_init_aws_creates():
    table = cfn.properties("PhotoTable")
    schema = table_schema()

    def by_name(definitions):
        return sorted(definitions, key=lambda definition: definition["AttributeName"])

    assert set(schema) <= set(table), f"the template lacks {set(schema) - set(table)}"
    assert by_name(table["AttributeDefinitions"]) == by_name(schema["AttributeDefinitions"])
    assert table["KeySchema"] == schema["KeySchema"]
    assert table["GlobalSecondaryIndexes"] == schema["GlobalSecondaryIndexes"]
    assert table["BillingMode"] == schema["BillingMode"] == "PAY_PER_REQUEST"
    assert "LocalSecondaryIndexes" not in table
    assert table["PointInTimeRecoverySpecification"] == {"PointInTimeRecoveryEnabled": True}
    assert table["SSESpecification"] == {"SSEEnabled": True}


def test_bucket_is_private_encrypted_and_drops_abandoned_uploads():
    bucket = cfn.properties("MediaBucket")
    assert set(bucket["PublicAccessBlockConfiguration"].values()) == {True}
    assert len(bucket["PublicAccessBlockConfiguration"]) == 4
    assert bucket["OwnershipControls"] == {"Rules": [{"ObjectOwnership": "BucketOwnerEnforced"}]}
    assert bucket["BucketEncryption"]["ServerSideEncryptionConfiguration"]
    rules = bucket["LifecycleConfiguration"]["Rules"]
    assert any(rule.get("AbortIncompleteMultipartUpload") for rule in rules if isinstance(rule, dict))
    assert cfn.resource("MediaBucket")["DeletionPolicy"] == "Retain"


def test_bucket_expires_direct_uploads_never_completed_and_admits_the_sites_posts():
    bucket = cfn.properties("MediaBucket")
    (expiry,) = [
        rule
        for rule in bucket["LifecycleConfiguration"]["Rules"]
        if isinstance(rule, dict) and rule.get("Id") == "expire-abandoned-uploads"
    ]
    assert expiry["Prefix"] == UPLOADS_PREFIX and expiry["Status"] == "Enabled"
    assert expiry["ExpirationInDays"] == django_settings.PHOTOSHARE_UPLOAD_RETENTION_DAYS
    (cors,) = bucket["CorsConfiguration"]["CorsRules"]
    assert cors["AllowedMethods"] == ["POST"] and "AllowedHeaders" not in cors


def test_bucket_expires_the_workers_archives_a_day_after_their_links():
    from gallery.domain.archives import retention_days
    from gallery.storage.s3.keys import ARCHIVES_PREFIX

    rules = cfn.properties("MediaBucket")["LifecycleConfiguration"]["Rules"]
    (expiry,) = [rule for rule in rules if isinstance(rule, dict) and rule.get("Id") == "expire-archives"]
    assert expiry["Prefix"] == ARCHIVES_PREFIX and expiry["Status"] == "Enabled"
    assert expiry["ExpirationInDays"] == retention_days()


def test_job_queue_matches_what_init_aws_creates_with_its_dead_letter_queue():
    queue = cfn.properties("JobQueue")
    assert queue["VisibilityTimeout"] == django_settings.PHOTOSHARE_JOB_VISIBILITY_TIMEOUT
    assert queue["RedrivePolicy"] == {
        "deadLetterTargetArn": {"Fn::GetAtt": ["JobDeadLetterQueue", "Arn"]},
        "maxReceiveCount": django_settings.PHOTOSHARE_JOB_MAX_RECEIVES,
    }
    assert queue["QueueName"] == {"Fn::Sub": "${AWS::StackName}-jobs"}
    dead = cfn.properties("JobDeadLetterQueue")
    assert dead["QueueName"] == {"Fn::Sub": "${AWS::StackName}" + "-jobs" + sqs.DEAD_LETTER_SUFFIX}
    assert dead["MessageRetentionPeriod"] == 14 * 24 * 3600


def test_database_is_private_and_its_password_is_generated_by_rds():
    database = cfn.properties("Database")
    assert database["PubliclyAccessible"] is False
    assert database["StorageEncrypted"] is True
    assert database["ManageMasterUserPassword"] is True
    assert "MasterUserPassword" not in database
    ingress = cfn.properties("DatabaseSecurityGroup")["SecurityGroupIngress"]
    assert ingress == [
        {
            "IpProtocol": "tcp",
            "FromPort": 3306,
            "ToPort": 3306,
            "SourceSecurityGroupId": {"Fn::GetAtt": ["WebServerSecurityGroup", "GroupId"]},
            "Description": "MySQL from the web servers",
        }
    ]
    assert cfn.resource("Database")["DeletionPolicy"] == "Snapshot"


def test_web_server_admits_http_and_https_only_and_requires_imdsv2():
    condition, single, scaled = cfn.properties("WebServerSecurityGroup")["SecurityGroupIngress"]["Fn::If"]
    assert (condition, scaled) == ("Single", {"Ref": "AWS::NoValue"})
    assert sorted((rule["FromPort"], rule["ToPort"]) for rule in single) == [(80, 80), (443, 443)]
    data = cfn.properties("WebServerLaunchTemplate")["LaunchTemplateData"]
    assert data["MetadataOptions"]["HttpTokens"] == "required"
    assert cfn.template()["Parameters"]["ImageId"]["Default"].startswith(
        "/aws/service/ami-amazon-linux-latest/al2023-ami-"
    )
    server = cfn.resource("WebServer")
    assert server["Properties"]["DisableApiTermination"] == {"Ref": "TerminationProtection"}
    # The bootstrap signals this resource; the stack is complete only once /healthz answered.
    settings, _ = cfn.user_data_parts()
    assert settings[1]["SignalledResource"] == {"Fn::If": ["Scaled", "WebServerGroup", "WebServer"]}
    assert server["CreationPolicy"]["ResourceSignal"]["Count"] == 1
    assert server["Condition"] == "Single"


def test_no_secret_in_the_template():
    text = cfn.TEMPLATE.read_text()
    assert not re.search(r"(?i)password\s*:", text.replace("ManageMasterUserPassword:", ""))
    for parameter in cfn.template()["Parameters"].values():
        assert "NoEcho" not in parameter, "secrets come from Secrets Manager, not from parameters"


def test_outputs_name_the_site_and_the_data():
    assert {"SiteUrl", "MediaBucketName", "PhotoTableName", "DatabaseEndpoint"} <= set(
        cfn.template()["Outputs"]
    )


def test_scaled_servers_are_private_and_only_the_load_balancer_reaches_them():
    group = cfn.properties("WebServerGroup")
    assert group["VPCZoneIdentifier"] == [{"Ref": "PrivateSubnetA"}, {"Ref": "PrivateSubnetB"}]
    assert (group["MinSize"], group["MaxSize"]) == ({"Ref": "MinSize"}, {"Ref": "MaxSize"})
    assert group["HealthCheckType"] == "ELB"
    rolling = cfn.resource("WebServerGroup")["UpdatePolicy"]["AutoScalingRollingUpdate"]
    assert rolling["WaitOnResourceSignals"] is True and rolling["MaxBatchSize"] == 1
    scaling = cfn.properties("CpuScaling")["TargetTrackingConfiguration"]
    assert scaling["PredefinedMetricSpecification"] == {"PredefinedMetricType": "ASGAverageCPUUtilization"}
    ingress = cfn.properties("WebServerFromLoadBalancer")
    assert ingress["SourceSecurityGroupId"] == {"Fn::GetAtt": ["LoadBalancerSecurityGroup", "GroupId"]}
    assert cfn.properties("PrivateRoute")["NatGatewayId"] == {"Ref": "NatGateway"}
    for subnet in ("PrivateSubnetA", "PrivateSubnetB"):
        assert "MapPublicIpOnLaunch" not in cfn.properties(subnet)


def test_the_load_balancer_checks_liveness_not_the_backends():
    targets = cfn.properties("WebServerTargets")
    assert (targets["HealthCheckPath"], targets["Matcher"]) == ("/healthz/live", {"HttpCode": "200"})


def test_https_by_default_acm_with_a_certificate_else_cloudfront_in_front_of_a_private_alb():
    assert cfn.template()["Parameters"]["Topology"]["Default"] == "scaled"
    listener = cfn.resource("HttpsListener")
    assert listener["Condition"] == "ScaledWithCertificate"
    assert listener["Properties"]["Certificates"] == [{"CertificateArn": {"Ref": "CertificateArn"}}]
    redirect = cfn.properties("HttpRedirectListener")["DefaultActions"][0]
    assert redirect["RedirectConfig"]["Protocol"] == "HTTPS"
    scheme = cfn.properties("LoadBalancer")["Scheme"]
    assert scheme == {"Fn::If": ["HasCertificate", "internet-facing", "internal"]}
    cloudfront = cfn.properties("Distribution")["DistributionConfig"]
    assert cfn.resource("Distribution")["Condition"] == "ScaledBehindCloudFront"
    assert cloudfront["DefaultCacheBehavior"]["ViewerProtocolPolicy"] == "redirect-to-https"
    assert "VpcOriginConfig" in cloudfront["Origins"][0]


def test_scaled_web_role_cannot_read_the_master_secret_only_the_setup_step_can():
    policies = cfn.properties("WebServerRole")["Policies"]
    (deploy,) = [policy for policy in policies if policy.get("PolicyName") == "photoshare-deploy"]
    (secrets,) = [s for s in deploy["PolicyDocument"]["Statement"] if s.get("Sid") == "Secrets"]
    condition, scaled, _single = secrets["Resource"]["Fn::If"]
    master = {"Fn::GetAtt": ["Database", "MasterUserSecret.SecretArn"]}
    assert condition == "Scaled" and master not in scaled
    (setup,) = cfn.properties("DatabaseSetupRole")["Policies"]
    assert master in setup["PolicyDocument"]["Statement"][0]["Resource"]
    instance = cfn.properties("DatabaseSetup")
    assert instance["IamInstanceProfile"] == {"Ref": "DatabaseSetupInstanceProfile"}
    assert {"Key": "photoshare-role", "Value": "database-setup"} in instance["Tags"]
    assert "DatabaseSetup" in cfn.resource("WebServerGroup")["DependsOn"]


@pytest.mark.parametrize(
    ("version", "accepted"),
    [
        ("0123456789abcdef0123456789abcdef01234567", True),
        ("photoshare-1f2e3d4.tar.gz", True),
        ("main", False),
        ("feature/x", False),
        ("1f2e3d4", False),
        ("v1.2", False),
    ],
)
def test_app_version_is_a_commit_or_an_artifact_never_a_branch(version, accepted):
    parameter = cfn.template()["Parameters"]["AppVersion"]
    assert bool(re.fullmatch(parameter["AllowedPattern"], version)) is accepted
    assert "Default" not in parameter


def test_database_tls_is_verified_and_protection_and_multi_az_are_parameters():
    settings, _ = cfn.user_data_parts()
    assert "PHOTOSHARE_DB_SSL_MODE='VERIFY_IDENTITY'\n" in settings[0]
    assert "truststore.pki.rds.amazonaws.com" in settings[0]
    database = cfn.properties("Database")
    assert database["DeletionProtection"] == {"Ref": "DatabaseDeletionProtection"}
    assert database["MultiAZ"] == {"Ref": "DatabaseMultiAZ"}
    assert cfn.properties("Cache")["TransitEncryptionEnabled"] is True
    assert settings[1]["CacheUrl"]["Fn::If"][0] == "HasCache"


def test_checkov_finds_nothing_not_skipped_with_a_reason():
    checkov = shutil.which("checkov", path=f"{Path(sys.executable).parent}:{os.environ.get('PATH', '')}")
    if checkov is None:
        pytest.skip(
            "checkov is not installed: it pins boto3 1.35 (the project runs 1.44), so it needs a venv of "
            "its own on PATH (python3.11 -m venv /opt/checkov; /opt/checkov/bin/pip install checkov==3.3.30)"
        )
    result = subprocess.run(
        [checkov, "-f", str(cfn.TEMPLATE), "--framework", "cloudformation", "--skip-download", "-o", "json"],
        capture_output=True,
        text=True,
        timeout=600,
    )
    report = json.loads(result.stdout)
    failed = [(check["check_id"], check["resource"]) for check in report["results"]["failed_checks"]]
    assert failed == []
    for skipped in report["results"]["skipped_checks"]:
        assert len(skipped["check_result"].get("suppress_comment") or "") > 20, skipped["check_id"]


def test_scaled_needs_the_shared_redis_and_single_runs_its_own():
    """Issue 16: rate limits count in Redis (atomic INCR), one that every server shares. Scaled:
    the stack's ElastiCache, required by a rule. Single: no stack Redis (CacheUrl empty), so the
    user data runs redis6 on the instance."""
    (rule,) = cfn.template()["Rules"].values()
    assert rule["RuleCondition"] == {"Fn::Equals": [{"Ref": "Topology"}, "scaled"]}
    (assertion,) = rule["Assertions"]
    assert assertion["Assert"] == {"Fn::Not": [{"Fn::Equals": [{"Ref": "CacheNodeType"}, ""]}]}
    assert cfn.template()["Conditions"]["HasCache"] == {
        "Fn::And": [{"Condition": "Scaled"}, {"Fn::Not": [{"Fn::Equals": [{"Ref": "CacheNodeType"}, ""]}]}]
    }
    settings, _ = cfn.user_data_parts()
    condition, elasticache, single = settings[1]["CacheUrl"]["Fn::If"]
    assert (condition, single) == ("HasCache", "")
    assert elasticache["Fn::Sub"].startswith("rediss://")
