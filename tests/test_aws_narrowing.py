"""Collection narrowed to what the selected controls read: per-resource calls nobody needs are not
made, what was skipped is marked unreadable (a later scan that needs it reports ``error``), and S3
bucket regions come from ListBuckets when it reports them."""
from __future__ import annotations

from collections import Counter
from datetime import datetime, timezone

import pytest
from aws_helpers import REGION, hook_events

from hipaacheck.pipeline import load_catalog, needed_attributes
from hipaacheck.registry import get_check, load_all
from hipaacheck.request import CatalogSpec
from hipaacheck.sources.aws.context import NOT_COLLECTED, AwsContext, AwsOptions
from hipaacheck.sources.aws.registry import load_collectors, with_dependencies
from hipaacheck.sources.aws.s3 import LIST_PAGE, buckets
from hipaacheck.sources.aws.source import AwsSource

OBJECT_LOCK = "aws.s3.log_bucket_object_lock"
BUCKET = "aws.s3.bucket"


@pytest.fixture
def object_lock_profile(tmp_path):
    path = tmp_path / "object-lock.yaml"
    path.write_text(f"id: object-lock\ntitle: hipaa-aws and Object Lock\nextends: hipaa-aws\n"
                    f"controls:\n  add: [{OBJECT_LOCK}]\n")
    return path


def seed_buckets(session) -> None:
    s3 = session.client("s3")
    s3.create_bucket(Bucket="app-data")
    s3.create_bucket(Bucket="log-data", ObjectLockEnabledForBucket=True)
    s3.put_bucket_acl(Bucket="log-data", GrantWrite="uri=http://acs.amazonaws.com/groups/s3/LogDelivery",
                      GrantReadACP="uri=http://acs.amazonaws.com/groups/s3/LogDelivery")
    s3.put_bucket_logging(Bucket="app-data", BucketLoggingStatus={
        "LoggingEnabled": {"TargetBucket": "log-data", "TargetPrefix": "app/"}})


def count_operations(monkeypatch) -> Counter:
    calls: Counter = Counter()
    hook_events(monkeypatch, "before-call", lambda model=None, **_: calls.update([model.name]))
    return calls


def test_a_check_declares_reads_and_the_attribute_check_derives_them_from_its_params():
    load_all()
    assert get_check("aws.s3.secure_transport").reads_for({}) == {"policy", "name"}
    condition = {"all": [{"path": "logging.target_bucket", "op": "exists"},
                         {"any": [{"path": "versioning", "op": "eq", "value": "Enabled"},
                                  {"not": {"path": "rules.0.days", "op": "absent"}}]}]}
    params = {"condition": condition, "fail_message": "{encryption.0.algorithm} and {versioning}"}
    assert get_check("attribute").reads_for(params) == {"logging", "versioning", "rules", "encryption"}


def test_needed_attributes_per_type_and_none_for_checks_that_declare_nothing():
    _, _, active = load_catalog(CatalogSpec(), "hipaa-aws")
    needed = needed_attributes(active, "aws")
    assert {"encryption", "effective_public_access_block", "policy", "versioning", "logging", "name"} <= needed[BUCKET]
    assert "object_lock" not in needed[BUCKET] and "is_log_target" not in needed[BUCKET]
    _, _, host = load_catalog(CatalogSpec(), "hipaa-host")
    undeclared = {a.control.resource_type for a in host if get_check(a.control.check).reads_for(a.params) is None}
    needed = needed_attributes(host, "host")
    assert undeclared and all(needed[rtype] is None for rtype in undeclared)  # these may read anything


def test_dependencies_of_wanted_attributes_are_read_too():
    wanted = with_dependencies({BUCKET: frozenset({"is_log_target"}), "aws.kms.key": frozenset({"rotation_enabled"}),
                                "aws.cloudtrail.account": frozenset({"trails"}),
                                "aws.cloudtrail.trail": frozenset({"log_file_validation"}), "aws.iam.user": None},
                               load_collectors())
    assert wanted[BUCKET] == {"is_log_target", "logging"}
    assert wanted["aws.kms.key"] == {"rotation_enabled", "metadata"}
    assert wanted["aws.cloudtrail.trail"] == {"log_file_validation", "is_logging", "management_events"}
    assert wanted["aws.iam.user"] is None and "aws.ec2.vpc" not in wanted


def test_unwanted_attributes_cost_no_call_and_are_marked_not_collected(aws):
    seed_buckets(aws)
    source = AwsSource(AwsOptions(regions=[REGION]))
    inventory = source.collect({BUCKET}, attributes={BUCKET: frozenset({"versioning"})})
    assert source.context.calls_by_operation == {"s3:ListBuckets": 1, "s3:GetBucketLocation": 2,
                                                 "s3:GetBucketVersioning": 2}
    assert {r.attributes["name"]: r.attributes["versioning"] for r in inventory.resources} == {
        "app-data": "Disabled", "log-data": "Enabled"}  # Object Lock turns versioning on
    for bucket in inventory.resources:
        assert bucket.unreadable == {name: NOT_COLLECTED for name in (
            "encryption", "public_access_block", "policy", "acl_grants", "logging", "object_lock", "is_log_target",
            "effective_public_access_block")}


def test_a_wanted_derived_attribute_reads_what_it_is_made_from(aws):
    seed_buckets(aws)
    inventory = AwsSource(AwsOptions(regions=[REGION])).collect({BUCKET}, attributes={BUCKET: frozenset({
        "is_log_target"})})
    assert {r.attributes["name"]: r.attributes["is_log_target"] for r in inventory.resources} == {
        "app-data": False, "log-data": True}


def test_hipaa_aws_never_asks_for_object_lock_and_a_profile_selecting_it_does(aws, cli, monkeypatch,
                                                                             object_lock_profile):
    seed_buckets(aws)
    calls = count_operations(monkeypatch)
    scanned = cli("scan", "--source", "aws", "--regions", REGION, "--format", "json", "-q")
    assert scanned.code in (1, 3), scanned.err
    assert "GetObjectLockConfiguration" not in calls and calls["GetBucketPolicy"] == 2
    calls.clear()
    scanned = cli("scan", "--source", "aws", "--regions", REGION, "--profile", object_lock_profile,
                  "--format", "json", "-q")
    assert calls["GetObjectLockConfiguration"] == 2 and calls["GetBucketLogging"] == 2
    locked = {f["resource"]["id"]: f["status"] for f in scanned.json()["findings"] if f["control_id"] == OBJECT_LOCK}
    assert locked == {"arn:aws:s3:::app-data": "skip", "arn:aws:s3:::log-data": "pass"}


def test_inventory_collected_without_object_lock_scanned_with_it_is_error(aws, cli, tmp_path, object_lock_profile):
    seed_buckets(aws)
    inventory = tmp_path / "inventory.json"
    assert cli("collect", "aws", "--regions", REGION, "-o", inventory, "-q").code == 0  # hipaa-aws
    scanned = cli("scan", "--source", "snapshot", "--inventory", inventory, "--profile", object_lock_profile,
                  "--format", "json", "-q")
    assert scanned.code == 1, scanned.err  # other controls fail on these buckets
    locked = [f for f in scanned.json()["findings"] if f["control_id"] == OBJECT_LOCK]
    assert len(locked) == 2
    for finding in locked:
        assert finding["status"] == "error" and NOT_COLLECTED in finding["message"]


def test_bucket_region_from_list_buckets_needs_no_get_bucket_location(aws):
    from botocore.stub import Stubber

    aws.client("s3").create_bucket(Bucket="eu-data", CreateBucketConfiguration={"LocationConstraint": "eu-west-1"})
    ctx = AwsContext.connect(AwsOptions(regions=[REGION]))
    listed = {"Name": "eu-data", "CreationDate": datetime(2026, 1, 2, tzinfo=timezone.utc), "BucketRegion": "eu-west-1"}
    with Stubber(ctx.client("s3")) as stub:  # moto's ListBuckets has no BucketRegion yet; AWS's has
        stub.add_response("list_buckets", {"Buckets": [listed]}, {"MaxBuckets": LIST_PAGE})
        (bucket,) = buckets(ctx, None)
        stub.assert_no_pending_responses()
    ctx.close()
    assert bucket.region == "eu-west-1" and bucket.attributes["versioning"] == "Disabled" and not bucket.unreadable
    assert "s3:GetBucketLocation" not in ctx.calls_by_operation


def test_bucket_region_falls_back_to_get_bucket_location(aws, monkeypatch):
    def without_region(parsed=None, **_):
        for listed in parsed.get("Buckets", []):
            listed.pop("BucketRegion", None)

    hook_events(monkeypatch, "after-call.s3.ListBuckets", without_region)
    s3 = aws.client("s3")
    s3.create_bucket(Bucket="here")
    s3.create_bucket(Bucket="there", CreateBucketConfiguration={"LocationConstraint": "eu-west-1"})
    source = AwsSource(AwsOptions(regions=[REGION]))
    inventory = source.collect({BUCKET})
    assert {r.attributes["name"]: r.region for r in inventory.resources} == {"here": "us-east-1", "there": "eu-west-1"}
    assert source.context.calls_by_operation["s3:GetBucketLocation"] == 2


def test_buckets_are_listed_once_for_the_bucket_collector_and_s3_data_events(aws, monkeypatch):
    from hipaacheck.sources.aws.source import AwsSource

    seed_buckets(aws)
    calls = count_operations(monkeypatch)
    AwsSource(AwsOptions(regions=[REGION])).collect({BUCKET, "aws.cloudtrail.s3_data_events"})
    assert calls["ListBuckets"] == 1 and calls["GetBucketTagging"] == 2
