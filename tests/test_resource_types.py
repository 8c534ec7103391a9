"""Resource type declarations: every collector produces what its type declares (no more, types right), every
declared attribute is produced somewhere, controls may only name declared types and paths, and
``hipaacheck resources list|show`` print the declarations."""
from __future__ import annotations

import hashlib
import io
import json
import textwrap
import zipfile
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Iterable, Iterator

import pytest
import yaml
from assertions import input_error
from aws_coverage_seeds import seed_everything
from aws_answers import edit_answer, model_answers
from aws_helpers import ACCOUNT, collect, deny, hook_events
from test_aws_iam_groups import edit_report
from test_host_trees import host_tree, write

from hipaacheck import resource_types as rt
from hipaacheck.model import Resource

REPO = Path(__file__).resolve().parent.parent
CONTROLS = REPO / "controls"
ADMIN_DOC = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}


# --------------------------------------------------------------------------- helpers

def assert_conforms(resources: Iterable[Resource]) -> None:
    problems = [f"{r.type} {r.id}: {problem}" for r in resources for problem in rt.attribute_problems(r)]
    assert not problems, "\n".join(problems)


def produced(node: dict[str, Any], value: Any, path: str, out: set[str]) -> None:
    """Add the declared-path spelling (``a.<n>.b``, ``m.<key>``) of every value present in ``value``."""
    if path:
        out.add(path)
    if isinstance(value, list) and "items" in node:
        for item in value:
            produced(node["items"], item, f"{path}.{rt.LIST_ITEM}", out)
    elif isinstance(value, dict) and not rt.is_free_form(node):
        properties, values = node.get("properties") or {}, rt.map_values(node)
        for key, child in value.items():
            if key in properties:
                produced(properties[key], child, f"{path}.{key}" if path else key, out)
            elif values is not None:
                produced(values, child, f"{path}.{rt.MAP_KEY}", out)


def vocabulary(node: dict[str, Any], path: str = "") -> Iterator[str]:
    """Paths of keys a collector passes through from a scanned file (declared so controls may name them):
    only a file that sets them produces them."""
    passthrough = "properties" in node and isinstance(node.get("additionalProperties"), dict)
    for name, child in (node.get("properties") or {}).items():
        child_path = f"{path}.{name}" if path else name
        if passthrough:
            yield child_path
        yield from vocabulary(child, child_path)
    inner, marker = (node.get("items"), rt.LIST_ITEM) if "items" in node else (rt.map_values(node), rt.MAP_KEY)
    if inner is not None:
        yield from vocabulary(inner, f"{path}.{marker}")


# Declared paths no test input produces, and why.
NOT_PRODUCED = {
    ("aws.rds.db_instance", "tls_parameters.<key>.tls"): "DocumentDB instances are cluster members",
    ("aws.rds.db_cluster", "tls_parameters.<key>.tls"): "moto has no DocumentDB engine",
}


def assert_every_declared_path_produced(resources: Iterable[Resource], types: Iterable[str]) -> None:
    seen: dict[str, set[str]] = {}
    for resource in resources:
        declared = rt.lookup(resource.type)
        produced(declared.schema, resource.attributes, "", seen.setdefault(declared.name, set()))
    missing = []
    for name in sorted(set(types)):
        declared = rt.describe(name)
        exempt = set(vocabulary(declared.schema))
        missing += [f"{name}: {a.path}" for a in declared.attributes()
                    if a.path not in seen.get(declared.name, set()) and a.path not in exempt
                    and (name, a.path) not in NOT_PRODUCED]
    assert not missing, "declared but never produced:\n" + "\n".join(missing)


# --------------------------------------------------------------------------- the declarations themselves

def test_every_builtin_declaration_file_is_valid_and_beside_a_module():
    files = rt.declaration_files()
    assert len(files) >= 38
    for path in files:
        assert rt.load_declarations(path), path  # validated: the run-time loader trusts shipped files
        assert path.with_name(path.name.removesuffix(rt.SUFFIX) + ".py").is_file(), path


def test_the_developing_guide_example_is_a_valid_declaration(tmp_path):
    import re

    guide = (REPO / "docs" / "DEVELOPING.md").read_text().split("## Resource types", 1)[1]
    example = tmp_path / "example.attributes.yaml"
    example.write_text(re.search(r"```yaml\n(.*?)```", guide, flags=re.S).group(1))
    declared = rt.load_declarations(example)["aws.s3.bucket"]
    assert declared.path_problem("logging.target_bucket") is None
    assert declared.path_problem("encryption.0.algorithm") is None


def test_each_collector_type_is_declared_beside_the_module_that_collects_it():
    import sys

    from hipaacheck.sources.aws.registry import load_collectors as aws_collectors
    from hipaacheck.sources.host.registry import load_collectors as host_collectors

    collectors = {t: c.function for t, c in aws_collectors().items()}
    collectors.update(host_collectors().items())
    for type_name, function in collectors.items():
        module_file = Path(sys.modules[function.__module__].__file__)
        assert rt.describe(type_name).source == module_file.with_suffix(rt.SUFFIX), type_name
    declared = {name for name, t in rt.builtin_types().items() if t.family in ("aws", "host")}
    assert declared == set(collectors), "declared types without a collector, or collectors without a declaration"
    assert rt.describe("manual.risk.analysis").source == REPO / "hipaacheck" / "sources" / "manual" / "source.attributes.yaml"


def test_paths_through_objects_lists_maps_and_free_form_documents():
    assert rt.path_declared("aws.s3.bucket", "logging.target_bucket")
    assert rt.path_declared("aws.s3.bucket", "encryption.0.algorithm")
    assert not rt.path_declared("aws.s3.bucket", "encryption.algorithm")  # a list needs an index
    assert rt.path_declared("aws.s3.bucket", "policy.Statement.0.Condition.Bool")  # free-form below
    assert not rt.path_declared("aws.s3.bucket", "versioning.Status")  # nothing below a string
    assert rt.path_declared("host.file_modes", "files./etc/shadow")  # a map: keys are data
    assert rt.path_declared("host.pam", "services.sshd.0.module")
    assert rt.path_declared("host.login_defs", "settings.PASS_MAX_DAYS")
    assert not rt.path_declared("host.login_defs", "settings.PASS_MAX_DAY")  # passed-through keys must be declared
    assert rt.path_declared("manual.risk.analysis", "attestation.evidence.0.state")  # manual.* covers it
    assert not rt.path_declared("aws.s3.no_such_type", "name")
    paths = rt.attribute_paths("aws.s3.bucket")
    assert "encryption.<n>.algorithm" in paths and "object_lock.days" in paths


def test_a_produced_shape_that_differs_from_the_declaration_is_reported():
    resource = Resource("aws.s3.bucket", "arn:aws:s3:::b", {"name": "b", "versioning": True, "extra": 1,
                                                            "logging": {"target_bucket": "x", "prefix": ""}},
                        unreadable={"policy": "AccessDenied", "polcy": "AccessDenied"})
    problems = "\n".join(rt.attribute_problems(resource))
    assert "$.versioning: True is not of type 'string'" in problems
    assert "'extra' was unexpected" in problems and "$.logging: " in problems and "'prefix' was unexpected" in problems
    assert "unreadable 'polcy'" in problems and "unreadable 'policy'" not in problems


# --------------------------------------------------------------------------- AWS collectors against moto

def seed_aws(session) -> None:
    """At least one resource of every AWS type, with the optional parts their collectors read."""
    c = session.client
    key = c("kms").create_key()["KeyMetadata"]["Arn"]
    c("kms").enable_key_rotation(KeyId=key)
    c("kms").create_key(KeySpec="RSA_2048", KeyUsage="SIGN_VERIFY")  # rotation does not apply
    s3 = c("s3")
    pab = {"BlockPublicAcls": True, "IgnorePublicAcls": True, "BlockPublicPolicy": True, "RestrictPublicBuckets": True}
    s3.create_bucket(Bucket="data")
    s3.create_bucket(Bucket="log-bucket", ObjectLockEnabledForBucket=True)
    s3.put_object_lock_configuration(Bucket="log-bucket", ObjectLockConfiguration={
        "ObjectLockEnabled": "Enabled", "Rule": {"DefaultRetention": {"Mode": "GOVERNANCE", "Days": 30}}})
    s3.put_bucket_encryption(Bucket="data", ServerSideEncryptionConfiguration={"Rules": [
        {"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "aws:kms", "KMSMasterKeyID": key},
         "BucketKeyEnabled": True}]})
    s3.put_public_access_block(Bucket="data", PublicAccessBlockConfiguration=pab)
    s3.put_bucket_policy(Bucket="data", Policy=json.dumps({"Version": "2012-10-17", "Statement": [{
        "Effect": "Deny", "Principal": "*", "Action": "s3:*", "Resource": "arn:aws:s3:::data/*",
        "Condition": {"Bool": {"aws:SecureTransport": "false"}}}]}))
    s3.put_bucket_versioning(Bucket="data", VersioningConfiguration={"Status": "Enabled"})
    s3.put_bucket_acl(Bucket="log-bucket", GrantWrite="uri=http://acs.amazonaws.com/groups/s3/LogDelivery",
                      GrantReadACP="uri=http://acs.amazonaws.com/groups/s3/LogDelivery")
    s3.put_bucket_logging(Bucket="data", BucketLoggingStatus={
        "LoggingEnabled": {"TargetBucket": "log-bucket", "TargetPrefix": "data/"}})
    # IgnorePublicAcls off at the account level, so log-bucket's ACL is read (S3 honours it)
    c("s3control").put_public_access_block(AccountId=ACCOUNT, PublicAccessBlockConfiguration={
        **pab, "IgnorePublicAcls": False})

    iam = c("iam")
    iam.update_account_password_policy(MinimumPasswordLength=14, RequireSymbols=True, MaxPasswordAge=90,
                                       PasswordReusePrevention=24, HardExpiry=False)
    for name in ("alice", "bob"):
        iam.create_user(UserName=name)
        iam.create_login_profile(UserName=name, Password="Correct-Horse-9!")
        iam.create_access_key(UserName=name)
    device = iam.create_virtual_mfa_device(VirtualMFADeviceName="alice")["VirtualMFADevice"]
    iam.enable_mfa_device(UserName="alice", SerialNumber=device["SerialNumber"],
                          AuthenticationCode1="123456", AuthenticationCode2="654321")
    iam.put_user_policy(UserName="alice", PolicyName="inline", PolicyDocument=json.dumps(ADMIN_DOC))
    managed = iam.create_policy(PolicyName="managed", PolicyDocument=json.dumps(ADMIN_DOC))["Policy"]["Arn"]
    iam.attach_user_policy(UserName="alice", PolicyArn=managed)
    for group in ("ops", "locked"):
        iam.create_group(GroupName=group)
        iam.put_group_policy(GroupName=group, PolicyName=f"{group}-inline", PolicyDocument=json.dumps(ADMIN_DOC))
        iam.attach_group_policy(GroupName=group, PolicyArn=managed)
        iam.add_user_to_group(GroupName=group, UserName="alice")
    role = iam.create_role(RoleName="app", AssumeRolePolicyDocument="{}", MaxSessionDuration=7200)["Role"]["Arn"]

    ec2 = c("ec2")
    ec2.enable_ebs_encryption_by_default()
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    subnets = [ec2.create_subnet(VpcId=vpc, CidrBlock=f"10.0.{i}.0/24", AvailabilityZone=f"us-east-1{zone}")
               ["Subnet"]["SubnetId"] for i, zone in ((1, "a"), (2, "b"))]
    volume = ec2.create_volume(AvailabilityZone="us-east-1a", Size=1, Encrypted=True, KmsKeyId=key)["VolumeId"]
    snapshot = ec2.create_snapshot(VolumeId=volume)["SnapshotId"]
    ec2.modify_snapshot_attribute(SnapshotId=snapshot, Attribute="createVolumePermission", OperationType="add",
                                  GroupNames=["all"], UserIds=["111122223333"])
    instance = ec2.run_instances(ImageId="ami-12c6146b", MinCount=1, MaxCount=1, SubnetId=subnets[0],
                                 MetadataOptions={"HttpTokens": "required"})["Instances"][0]["InstanceId"]
    ec2.attach_volume(VolumeId=volume, InstanceId=instance, Device="/dev/sdf")
    group = ec2.create_security_group(GroupName="web", Description="web", VpcId=vpc)["GroupId"]
    ec2.authorize_security_group_ingress(GroupId=group, IpPermissions=[
        {"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22, "IpRanges": [{"CidrIp": "10.0.0.0/8"}],
         "Ipv6Ranges": [{"CidrIpv6": "::/0"}], "UserIdGroupPairs": [{"GroupId": group}]}])
    s3.create_bucket(Bucket="flow-logs")
    ec2.create_flow_logs(ResourceIds=[vpc], ResourceType="VPC", TrafficType="ALL", LogDestinationType="s3",
                         LogDestination="arn:aws:s3:::flow-logs")

    elb = c("elbv2")
    lb = elb.create_load_balancer(Name="app", Subnets=subnets)["LoadBalancers"][0]["LoadBalancerArn"]
    target = elb.create_target_group(Name="tg", Protocol="HTTP", Port=80, VpcId=vpc)["TargetGroups"][0]
    forward = [{"Type": "forward", "TargetGroupArn": target["TargetGroupArn"]}]
    redirect = [{"Type": "redirect", "RedirectConfig": {"Protocol": "HTTPS", "Port": "443", "StatusCode": "HTTP_301"}}]
    cert = c("acm").request_certificate(DomainName="example.com")["CertificateArn"]
    elb.create_listener(LoadBalancerArn=lb, Protocol="HTTPS", Port=443, DefaultActions=forward,
                        SslPolicy="ELBSecurityPolicy-TLS13-1-2-2021-06", Certificates=[{"CertificateArn": cert}])
    http = elb.create_listener(LoadBalancerArn=lb, Protocol="HTTP", Port=80, DefaultActions=redirect)
    elb.create_rule(ListenerArn=http["Listeners"][0]["ListenerArn"], Priority=1, Actions=forward,
                    Conditions=[{"Field": "path-pattern", "Values": ["/api/*"]}])

    behaviour = {"TargetOriginId": "o", "ViewerProtocolPolicy": "https-only", "MinTTL": 0,
                 "ForwardedValues": {"QueryString": False, "Cookies": {"Forward": "none"}},
                 "TrustedSigners": {"Enabled": False, "Quantity": 0}}
    c("cloudfront").create_distribution(DistributionConfig={
        "CallerReference": "site", "Comment": "site", "Enabled": True,
        "Origins": {"Quantity": 1, "Items": [{"Id": "o", "DomainName": "b.s3.amazonaws.com",
                                              "S3OriginConfig": {"OriginAccessIdentity": ""}}]},
        "DefaultCacheBehavior": {**behaviour, "ViewerProtocolPolicy": "redirect-to-https"},
        "CacheBehaviors": {"Quantity": 1, "Items": [{**behaviour, "PathPattern": "/static/*"}]},
        "ViewerCertificate": {"ACMCertificateArn": f"arn:aws:acm:us-east-1:{ACCOUNT}:certificate/x",
                              "SSLSupportMethod": "sni-only", "MinimumProtocolVersion": "TLSv1.2_2021",
                              "CloudFrontDefaultCertificate": False}})

    code = io.BytesIO()
    with zipfile.ZipFile(code, "w") as archive:
        archive.writestr("app.py", "def handler(event, context):\n    return None\n")
    c("lambda").create_function(FunctionName="fn", Runtime="python3.12", Role=role, Handler="app.handler",
                                Code={"ZipFile": code.getvalue()}, Environment={"Variables": {"LOG_LEVEL": "info"}})

    logs = c("logs")
    logs.create_log_group(logGroupName="app", kmsKeyId=key)
    logs.put_retention_policy(logGroupName="app", retentionInDays=365)
    logs.create_log_group(logGroupName="trail")
    s3.create_bucket(Bucket="trail-logs")
    trail = c("cloudtrail")
    trail.create_trail(Name="main", S3BucketName="trail-logs", IsMultiRegionTrail=True, EnableLogFileValidation=True,
                       KmsKeyId=key, CloudWatchLogsLogGroupArn=f"arn:aws:logs:us-east-1:{ACCOUNT}:log-group:trail:*",
                       CloudWatchLogsRoleArn=role)
    trail.start_logging(Name="main")
    trail.put_event_selectors(TrailName="main", EventSelectors=[{"ReadWriteType": "All",
                                                                 "IncludeManagementEvents": True}])

    config = c("config")
    config.put_configuration_recorder(ConfigurationRecorder={"name": "default", "roleARN": role, "recordingGroup": {
        "allSupported": False, "includeGlobalResourceTypes": False, "resourceTypes": ["AWS::S3::Bucket"]}})
    config.put_delivery_channel(DeliveryChannel={"name": "default", "s3BucketName": "trail-logs"})
    config.start_configuration_recorder(ConfigurationRecorderName="default")
    c("guardduty").create_detector(Enable=True)
    c("securityhub").enable_security_hub()

    ddb = c("dynamodb")
    ddb.create_table(TableName="t", KeySchema=[{"AttributeName": "k", "KeyType": "HASH"}],
                     AttributeDefinitions=[{"AttributeName": "k", "AttributeType": "S"}], BillingMode="PAY_PER_REQUEST",
                     SSESpecification={"Enabled": True, "SSEType": "KMS", "KMSMasterKeyId": key})
    ddb.update_continuous_backups(TableName="t", PointInTimeRecoverySpecification={"PointInTimeRecoveryEnabled": True})
    c("efs").create_file_system(CreationToken="fs", Encrypted=True, KmsKeyId=key)
    c("sns").create_topic(Name="topic", Attributes={"KmsMasterKeyId": key})
    c("sqs").create_queue(QueueName="queue", Attributes={"KmsMasterKeyId": key})
    backup = c("backup")
    backup.create_backup_vault(BackupVaultName="vault", EncryptionKeyArn=key)
    backup.create_backup_plan(BackupPlan={"BackupPlanName": "daily", "Rules": [
        {"RuleName": "daily", "TargetBackupVaultName": "vault", "ScheduleExpression": "cron(0 5 * * ? *)",
         "Lifecycle": {"DeleteAfterDays": 35}}]})

    rds = c("rds")
    for name, engine, family, parameter, value in (("pg-tls", "postgres", "postgres16", "rds.force_ssl", "1"),
                                                   ("my-tls", "mysql", "mysql8.0", "require_secure_transport", "ON")):
        rds.create_db_parameter_group(DBParameterGroupName=name, DBParameterGroupFamily=family, Description="tls")
        rds.modify_db_parameter_group(DBParameterGroupName=name, Parameters=[
            {"ParameterName": parameter, "ParameterValue": value, "ApplyMethod": "immediate"}])
        rds.create_db_instance(DBInstanceIdentifier="db" if engine == "postgres" else engine, Engine=engine,
                               DBInstanceClass="db.t3.micro", MasterUsername="admin",
                               MasterUserPassword="pw-not-checked-1", AllocatedStorage=20, StorageEncrypted=True,
                               KmsKeyId=key, BackupRetentionPeriod=14, DeletionProtection=True,
                               DBParameterGroupName=name)
    rds.create_db_snapshot(DBInstanceIdentifier="db", DBSnapshotIdentifier="db-snap")
    rds.modify_db_snapshot_attribute(DBSnapshotIdentifier="db-snap", AttributeName="restore", ValuesToAdd=["all"])
    for name, family, parameter, value in (("apg-tls", "aurora-postgresql16", "rds.force_ssl", "1"),
                                           ("ams-tls", "aurora-mysql8.0", "require_secure_transport", "ON")):
        rds.create_db_cluster_parameter_group(DBClusterParameterGroupName=name, DBParameterGroupFamily=family,
                                              Description="tls")
        rds.modify_db_cluster_parameter_group(DBClusterParameterGroupName=name, Parameters=[
            {"ParameterName": parameter, "ParameterValue": value, "ApplyMethod": "pending-reboot"}])
    for name, engine, group in (("pg", "aurora-postgresql", "apg-tls"), ("my", "aurora-mysql", "ams-tls")):
        rds.create_db_cluster(DBClusterIdentifier=name, Engine=engine, MasterUsername="admin",
                              MasterUserPassword="pw-not-checked-1", StorageEncrypted=True, KmsKeyId=key,
                              DeletionProtection=True, BackupRetentionPeriod=14, DBClusterParameterGroupName=group)
    rds.create_db_instance(DBInstanceIdentifier="member", DBClusterIdentifier="pg", Engine="aurora-postgresql",
                           DBInstanceClass="db.r6g.large")
    rds.create_db_cluster_snapshot(DBClusterIdentifier="pg", DBClusterSnapshotIdentifier="cluster-snap")
    rds.modify_db_cluster_snapshot_attribute(DBClusterSnapshotIdentifier="cluster-snap", AttributeName="restore",
                                             ValuesToAdd=["111122223333"])

    redshift = c("redshift")
    redshift.create_cluster_parameter_group(ParameterGroupName="tls", ParameterGroupFamily="redshift-1.0",
                                            Description="tls")
    redshift.create_cluster(ClusterIdentifier="dw", NodeType="dc2.large", MasterUsername="admin",
                            MasterUserPassword="Secret-Pass-123", Encrypted=True, KmsKeyId=key,
                            PubliclyAccessible=False, ClusterParameterGroupName="tls")
    c("opensearch").create_domain(
        DomainName="search", EncryptionAtRestOptions={"Enabled": True, "KmsKeyId": key},
        NodeToNodeEncryptionOptions={"Enabled": True},
        DomainEndpointOptions={"EnforceHTTPS": True, "TLSSecurityPolicy": "Policy-Min-TLS-1-2-PFS-2023-10"})
    c("elasticache").create_replication_group(
        ReplicationGroupId="cache", ReplicationGroupDescription="cache", Engine="redis", CacheNodeType="cache.t3.micro",
        NumCacheClusters=1, AtRestEncryptionEnabled=True, KmsKeyId=key, TransitEncryptionEnabled=True)


def shape_answers(monkeypatch) -> None:
    """What moto cannot produce: a root row in the credential report, a user the report does not show yet
    (read from the IAM API instead), and one group whose policies cannot be read."""
    root = {"user": "<root_account>", "arn": f"arn:aws:iam::{ACCOUNT}:root", "mfa_active": "true",
            "access_key_1_active": "false", "access_key_2_active": "false",
            "password_last_used": "2026-01-02T03:04:05+00:00"}
    edit_report(monkeypatch, lambda rows: [r for r in rows if r["user"] != "bob"]
                + [{k: v for k, v in root.items() if k in rows[0]}])

    hook_events(monkeypatch, "before-call",
                deny(["ListGroupPolicies"], when=lambda request: request.get("GroupName") == "locked"))
    # moto implements no GetEnabledStandards and leaves the CloudWatch Logs delivery out of GetTrailStatus
    model_answers(monkeypatch, {"GetEnabledStandards": {"StandardsSubscriptions": [
        {"StandardsArn": "arn:aws:securityhub:us-east-1::standards/aws-foundational-security-best-practices/v/1.0.0",
         "StandardsSubscriptionArn": f"arn:aws:securityhub:us-east-1:{ACCOUNT}:subscription/fsbp/v/1.0.0",
         "StandardsStatus": "READY", "StandardsInput": {}}]}})
    edit_answer(monkeypatch, "GetTrailStatus", lambda parsed, _: parsed.update(
        LatestCloudWatchLogsDeliveryTime=datetime(2026, 1, 2, tzinfo=timezone.utc),
        LatestCloudWatchLogsDeliveryError="AccessDeniedException"), "cloudtrail")


def test_every_aws_collector_produces_what_its_type_declares(aws, monkeypatch):
    from hipaacheck.sources.aws.registry import load_collectors

    monkeypatch.setenv("MOTO_EC2_LOAD_DEFAULT_AMIS", "false")
    seed_aws(aws)
    shape_answers(monkeypatch)
    seed_everything(aws, monkeypatch)
    types = set(load_collectors())
    inventory = collect(types, regions=("us-east-1", "eu-west-1"))  # eu-west-1: the empty-region shapes
    assert not inventory.errors, [e.to_dict() for e in inventory.errors]
    assert {r.type for r in inventory.resources} == types
    # the locked group's policies are denied above; moto knows no default cluster parameter group for
    # the coverage seeds' Aurora and Neptune clusters (created without a group of their own)
    expected_unreadable = {f"arn:aws:iam::{ACCOUNT}:group/locked#*": {"*"},
                           **{f"arn:aws:rds:us-east-1:{ACCOUNT}:cluster:{q}-{kind}": {"tls_parameters"}
                              for q in ("good", "bad") for kind in ("aurora", "docdb", "neptune")}}
    assert not [(r.type, r.unreadable) for r in inventory.resources
                if r.unreadable and set(r.unreadable) != expected_unreadable.get(r.id)]
    users = {r.attributes["name"]: r.attributes for r in inventory.resources if r.type == "aws.iam.user"}
    assert users["bob"]["credentials_from"]["source"] == "iam_api"  # the shaped answers took effect
    assert_conforms(inventory.resources)
    assert_every_declared_path_produced(inventory.resources, types)


# --------------------------------------------------------------------------- host collectors against fixture trees

def edge_tree(dest: Path) -> Path:
    """The compliant tree plus what neither fixture tree has: a hash in /etc/passwd, PAM arguments
    overriding faillock and pwquality, audisp-remote, APT settings, logrotate maxage and maxsize, sudo Defaults
    with a scope, "unset TMOUT", timesyncd and ntpd sources."""
    root = host_tree("compliant", dest)
    passwd = (root / "etc/passwd").read_text()
    write(root, "/etc/passwd", passwd + "legacy::1002:1002::/home/legacy:/bin/sh\n")
    faillock = "deny=4 unlock_time=600 fail_interval=900 root_unlock_time=60"
    pwquality = ("minlen=14 minclass=4 difok=5 maxrepeat=3 maxsequence=3 maxclassrepeat=4 dictcheck=1 usercheck=1 "
                 "retry=3 dcredit=-1 ucredit=-1 lcredit=-1 ocredit=-1")
    write(root, "/etc/pam.d/login", f"auth required pam_faillock.so preauth {faillock}\n"
                                    f"password requisite pam_pwquality.so {pwquality}\n")
    write(root, "/etc/audit/plugins.d/au-remote.conf", "active = yes\n")
    write(root, "/etc/audit/audisp-remote.conf", "remote_server = audit.example.org\n")
    write(root, "/etc/apt/apt.conf.d/20auto-upgrades", 'APT::Periodic::Unattended-Upgrade "1";\n')
    write(root, "/etc/logrotate.d/big", "/var/log/big.log {\n  daily\n  rotate 7\n  maxage 30\n  maxsize 100M\n}\n")
    write(root, "/etc/logrotate.conf", (root / "etc/logrotate.conf").read_text() + "maxage 400\nmaxsize 50M\n")
    write(root, "/etc/bash.bashrc", "unset TMOUT\n")
    write(root, "/etc/sudoers.d/scoped", "Defaults:alice !authenticate\nalice ALL=(ALL) NOPASSWD: ALL\n")
    write(root, "/etc/systemd/timesyncd.conf", "[Time]\nNTP=time.example.org\n")
    write(root, "/etc/ntp.conf", "server ntp.example.org iburst\n")
    return root


def test_every_host_collector_produces_what_its_type_declares(tmp_path):
    from hipaacheck.sources.host.source import HostSource

    resources = []
    for root in (host_tree("compliant", tmp_path / "a"), host_tree("noncompliant", tmp_path / "b"),
                 edge_tree(tmp_path / "c"), tmp_path / "empty"):  # empty: nothing configured at all
        (root / "etc").mkdir(parents=True, exist_ok=True)
        source = HostSource(root)
        inventory = source.collect(source.supported_types())
        assert not inventory.errors, [e.to_dict() for e in inventory.errors]
        assert {r.type for r in inventory.resources} == source.supported_types()
        if root.name != "empty":
            assert not [(r.type, r.unreadable) for r in inventory.resources if r.unreadable]
        resources += inventory.resources
    assert_conforms(resources)
    assert_every_declared_path_produced(resources, HostSource(tmp_path).supported_types())


def test_host_resources_marked_unreadable_name_declared_attributes(tmp_path):
    from hipaacheck.sources.host.source import HostSource

    root = host_tree("compliant", tmp_path)
    (root / "etc/shadow").unlink()
    (root / "etc/shadow").mkdir()  # a folder where a file is expected: unreadable, even as root
    (root / "etc/pam.d/sudo").unlink()
    (root / "etc/pam.d/sudo").mkdir()
    (root / "etc/sudoers").unlink()
    (root / "etc/sudoers").symlink_to("sudoers")  # a link to itself: stat(/etc/sudoers) cannot resolve it
    source = HostSource(root)
    resources = source.collect(source.supported_types()).resources
    keys = {key.split(".")[0] for r in resources for key in r.unreadable if key != "*"}
    assert {"passwords", "files", "services"} <= keys
    assert_conforms(resources)


# --------------------------------------------------------------------------- attestation resources

def test_attestation_resources_are_what_manual_types_declare(tmp_path):
    from hipaacheck.attestations import load_attestations
    from hipaacheck.sources.manual.source import attestation_inventory
    from hipaacheck.controls import builtin_controls
    from hipaacheck.profiles import load_profile, select_controls
    from hipaacheck.registry import load_all

    load_all()
    catalog = builtin_controls()
    active = [a for a in select_controls(load_profile("hipaa-manual"), catalog)
              if a.id in ("manual.risk.analysis", "manual.addressable.alternatives", "manual.contingency.plan")]
    (tmp_path / "report.pdf").write_bytes(b"risk analysis")
    (tmp_path / "folder.pdf").mkdir()
    evidence = [{"path": "report.pdf", "sha256": hashlib.sha256(b"risk analysis").hexdigest()},
                {"path": "gone.pdf", "sha256": "0" * 64}, {"path": "folder.pdf", "sha256": "0" * 64},
                {"url": "https://intranet.example/risk"}]
    entries = [{"control": "manual.risk.analysis", "by": "Jane Doe", "role": "Security Official",
                "date": "2026-01-15", "valid_days": 180, "statement": "Done", "evidence": evidence},
               {"control": "manual.addressable.alternatives", "kind": "alternative", "by": "Jane Doe",
                "role": "Security Official", "date": "2026-01-15", "specification": "164.312(a)(2)(iii)",
                "statement": "Screen lock enforced by MDM"}]
    path = tmp_path / "attestations.yaml"
    path.write_text(yaml.safe_dump({"version": 1, "attestations": entries}, sort_keys=False))
    types = {a.control.resource_type for a in active}
    resources = [r for attestations in (load_attestations(path, catalog.controls), None)
                 for r in attestation_inventory(attestations, active, types, "2026-06-01T12:00:00Z").resources]
    assert {r.type for r in resources} == types
    assert_conforms(resources)
    assert_every_declared_path_produced(resources, ["manual.*"])


# --------------------------------------------------------------------------- controls

CONTROL = """\
id: local.check
title: A local control
description: A control written for this test.
rationale: Tests.
severity: low
citations: ["164.312(b)"]
resource_type: {resource_type}
check: {check}
params:
{params}
remediation: Fix it.
"""


def control_file(folder: Path, params: str, resource_type: str = "host.login_defs", check: str = "attribute") -> Path:
    folder.mkdir(exist_ok=True)
    path = folder / "local.yaml"
    path.write_text(CONTROL.format(resource_type=resource_type, check=check, params=textwrap.indent(params, "  ")))
    return path


@pytest.mark.parametrize("params, line, where, expected", [
    ("condition: {path: settings.PASS_MAX_DAY, op: absent}", 10, "$.params.condition.path",
     "host.login_defs declares no attribute 'settings.PASS_MAX_DAY' (did you mean 'settings.PASS_MAX_DAYS'?)"),
    ("condition:\n  any:\n    - {path: present, op: eq, value: true}\n    - not: {path: setings.UID_MIN, op: exists}",
     13, "$.params.condition.any[1].not.path", "'setings.UID_MIN' (did you mean 'settings'?)"),
    ("condition: {path: present, op: eq, value: true}\nfail_message: PASS_MAX_DAYS is {settings.PASS_MAXDAYS}",
     11, "$.params.fail_message", "'settings.PASS_MAXDAYS' (did you mean 'settings.PASS_MAX_DAYS'?)"),
    ("condition: {path: present.value, op: eq, value: true}", 10, "$.params.condition.path",
     "'present' of host.login_defs is a boolean: nothing is declared below it"),
])
def test_an_undeclared_path_in_a_control_is_bad_input_naming_file_and_line(cli, tmp_path, params, line, where,
                                                                           expected):
    path = control_file(tmp_path / "controls", params)
    result = cli("controls", "validate", path)
    assert input_error(result, expected).startswith(f"hipaacheck: error: {path}:{line}: {where}: "), result.err
    profile = tmp_path / "profile.yaml"
    profile.write_text("id: p\ntitle: p\ncontrols: {include: [local.*]}\n")
    scan = cli("scan", "--root", tmp_path, "--controls-dir", tmp_path / "controls", "--profile", profile)
    input_error(scan, f"{path}:{line}")  # a selected control with it scans nothing


def test_a_path_through_a_list_needs_an_index(cli, tmp_path):
    path = control_file(tmp_path / "controls", "condition: {path: forwards.target, op: exists}", "host.log_forwarding")
    result = cli("controls", "validate", path)
    input_error(result, "'forwards' of host.log_forwarding is a list")
    control_file(tmp_path / "controls", "condition: {path: forwards.0.target, op: exists}", "host.log_forwarding")
    assert cli("controls", "validate", path).code == 0


def test_an_undeclared_resource_type_of_a_builtin_family_is_bad_input(cli, tmp_path):
    path = control_file(tmp_path / "controls", "condition: {path: present, op: eq, value: true}", "host.logindefs")
    result = cli("controls", "validate", path)
    input_error(result, f"{path}:7: $.resource_type: 'host.logindefs' is not a declared resource type "
                "(did you mean 'host.login_defs'?)")


def test_every_shipped_control_names_declared_types_and_paths(cli):
    from hipaacheck.controls import builtin_controls, resolve_params
    from hipaacheck.registry import get_check, load_all

    result = cli("controls", "validate")
    assert result.code == 0, result.err
    load_all()
    catalog = builtin_controls()
    defaults = {name: variable["default"] for name, variable in catalog.variables.items()}
    attribute_controls = [c for c in catalog.sorted() if c.check == "attribute"]
    assert len(attribute_controls) >= 40
    paths_in = get_check("attribute").paths_in_params
    for control in attribute_controls:
        paths = [path for _, path in paths_in(resolve_params(control.params, defaults, control.id))]
        assert paths and all(rt.path_declared(control.resource_type, path) for path in paths), control.id


PLUGIN = '''
from hipaacheck.model import passed
from hipaacheck.registry import check

@check("acme.widget_ok", resource_type="acme.widget")
def widget_ok(resource, params):
    """Always passes."""
    return passed("ok")
'''
@pytest.fixture
def registry_snapshot(monkeypatch):
    """Checks a test registers leave with it (a plugin's declarations would outlive the test otherwise)."""
    from hipaacheck import registry

    registry.load_all()
    base = registry.CHECKS.copy()

    def reset() -> None:
        monkeypatch.setattr(registry, "CHECKS", base.copy())

    reset()
    return reset


PLUGIN_TYPES = {"types": {"acme.widget": {"description": "A widget", "attributes": {
    "colour": {"type": "string", "description": "Its colour"}}}}}


def test_a_plugin_declares_its_own_types_beside_its_check_module(cli, tmp_path, registry_snapshot):
    checks = tmp_path / "checks"
    checks.mkdir()
    (checks / "acme.py").write_text(PLUGIN)
    (checks / "acme.attributes.yaml").write_text(yaml.safe_dump(PLUGIN_TYPES))
    good = control_file(tmp_path / "good", "condition: {path: colour, op: eq, value: blue}", "acme.widget")
    assert cli("controls", "validate", good, "--checks-dir", checks).code == 0
    bad = control_file(tmp_path / "bad", "condition: {path: color, op: eq, value: blue}", "acme.widget")
    result = cli("controls", "validate", bad, "--checks-dir", checks)
    input_error(result, "acme.widget declares no attribute 'color' (did you mean 'colour'?)")
    listed = cli("resources", "list", "--checks-dir", checks)
    assert listed.code == 0
    assert any(line.split()[:3] == ["acme.widget", "acme", "1"] for line in listed.out.splitlines())
    # a plugin's type without a declaration is not checked
    other = control_file(tmp_path / "other", "condition: {path: anything.at.all, op: exists}", "other.gadget")
    assert cli("controls", "validate", other, "--checks-dir", checks).code == 0


def test_a_plugin_may_not_declare_builtin_families_and_a_bad_declaration_names_its_line(cli, tmp_path,
                                                                                        registry_snapshot):
    for index, (types, expected) in enumerate([
        ({"aws.s3.bucket": PLUGIN_TYPES["types"]["acme.widget"]}, "types of the built-in 'aws' family"),
        ({"acme.widget": {"description": "A widget", "attributes": {"colour": {"type": "string"}}}},
         "$.types.acme.widget.attributes.colour: description is required here"),
        ({"acme.widget": {"description": "A widget", "attributes": {"parts": {"type": "array", "description": "x"}}}},
         "an array (and only an array) declares items"),
    ]):
        registry_snapshot()
        checks = tmp_path / f"checks{index}"
        checks.mkdir()
        (checks / f"acme{index}.py").write_text(PLUGIN.replace("acme.widget_ok", f"acme.widget_ok{index}"))
        declaration = checks / f"acme{index}.attributes.yaml"
        declaration.write_text(yaml.safe_dump({"types": types}))
        result = cli("resources", "list", "--checks-dir", checks)
        input_error(result, f"{declaration}:", expected)


# --------------------------------------------------------------------------- resources list / show

def test_resources_list_shows_every_type_with_its_family_count_and_meaning(cli):
    result = cli("resources", "list")
    assert result.code == 0, result.err
    rows = {line.split()[0]: line.split() for line in result.out.splitlines()[2:]}
    assert set(rows) == set(rt.builtin_types())
    bucket_attributes = len(rt.builtin_types()["aws.s3.bucket"].schema["properties"])
    assert rows["aws.s3.bucket"][1:3] == ["aws", str(bucket_attributes)] and rows["host.sshd"][1] == "host"
    assert rows["manual.*"][1] == "manual"
    assert "An S3 bucket" in next(line for line in result.out.splitlines() if line.startswith("aws.s3.bucket "))


def test_resources_show_prints_each_path_with_its_type_and_meaning(cli):
    result = cli("resources", "show", "aws.s3.bucket")
    assert result.code == 0, result.err
    lines = result.out.splitlines()
    assert lines[0].startswith("aws.s3.bucket: An S3 bucket")
    row = next(line for line in lines if line.startswith("logging.target_bucket "))
    assert row.split()[1] == "string|null" and "Bucket receiving the access logs" in row
    assert any(line.split()[:2] == ["encryption.<n>.algorithm", "string|null"] for line in lines)
    assert any(line.split()[:3] == ["policy", "object", "(free-form)|null"] for line in lines)
    manual = cli("resources", "show", "manual.risk.analysis")
    assert manual.code == 0 and "(declared as manual.*)" in manual.out.splitlines()[0]


def test_resources_show_of_an_unknown_type_is_bad_input_with_a_suggestion(cli):
    result = cli("resources", "show", "aws.s3.buckets")
    assert input_error(result) == "hipaacheck: error: resource type: 'aws.s3.buckets' is not declared " \
                                  "(did you mean 'aws.s3.bucket'?)"
