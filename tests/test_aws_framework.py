"""The AWS framework: error description, S3 Control host rewrite, memo, call counting, regions, collectors."""
from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

import pytest
from aws_helpers import collect, deny, hook_events
from botocore.awsrequest import AWSRequest
from botocore.exceptions import ClientError
from botocore.parsers import ResponseParserError

from hipaacheck.errors import InputError
from hipaacheck.model import Resource
from hipaacheck.sources.aws.registry import load_collectors
from hipaacheck.sources.aws.source import AwsSource
from hipaacheck.sources.aws.context import AwsContext, AwsOptions, describe_error, strip_account_host_label

T = TypeVar("T")


def client_error(code: str, status: int, message: str = "no") -> ClientError:
    return ClientError({"Error": {"Code": code, "Message": message}, "ResponseMetadata": {"HTTPStatusCode": status}},
                       "GetThing")


@pytest.mark.parametrize("exc, code", [
    (client_error("403", 403), "AccessDenied"),  # unparsable 403 body (KMS/DynamoDB under moto IAM auth)
    (client_error("AccessDeniedException", 400), "AccessDeniedException"),
    (client_error("500", 500, "<html>Internal Server Error</html>"), "500"),  # unimplemented in moto
    (client_error("Throttling", 400), "Throttling"),  # throttled past retries
    (ResponseParserError("Unable to parse response"), "ResponseParserError"),  # EC2 unimplemented
])
def test_describe_error(exc, code):
    got, message, _ = describe_error(exc)
    assert got == code and message


def test_strip_account_host_label_only_strips_an_account_id():
    request = AWSRequest("GET", "http://123456789012.127.0.0.1:5000/v20180820/configuration/publicAccessBlock")
    strip_account_host_label(request=request)
    assert request.url == "http://127.0.0.1:5000/v20180820/configuration/publicAccessBlock"
    other = AWSRequest("GET", "http://bucket.localhost:5000/x")
    strip_account_host_label(request=other)
    assert other.url == "http://bucket.localhost:5000/x"


class Denied(Exception):
    pass


def in_new_thread(function: Callable[[], T]) -> T:
    """``function()`` on a thread of its own; its result, or its exception re-raised here."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(function).result()


def test_memo_computes_once_and_remembers_failures(aws):
    ctx = AwsContext.connect(AwsOptions(regions=["us-east-1"]))
    calls = []
    ready = threading.Barrier(8, timeout=60)  # the timeout only keeps a broken memo from hanging the run

    def compute():
        calls.append(1)
        raise Denied("denied")

    def ask():
        ready.wait()  # all eight threads ask at once
        return ctx.memo("k", compute)

    with ThreadPoolExecutor(max_workers=8) as pool:
        futures = [pool.submit(ask) for _ in range(8)]
    raised = [future.exception() for future in futures]  # None where memo returned instead of raising
    assert all(isinstance(exc, Denied) for exc in raised), raised
    assert len(calls) == 1


def test_calls_are_counted_per_operation(aws):
    aws.client("logs").create_log_group(logGroupName="g")
    source = AwsSource(AwsOptions(regions=["us-east-1", "eu-west-1"]))
    inventory = source.collect({"aws.logs.log_group"})
    assert source.context.calls_by_operation == {"logs:DescribeLogGroups": 2}
    assert inventory.metadata["api_calls"] == 2 and inventory.metadata["account"] == "123456789012"
    assert inventory.metadata["caller_arn"].startswith("arn:aws:sts::123456789012:")


def test_only_requested_types_are_collected(aws):
    source = AwsSource(AwsOptions(regions=["us-east-1"]))
    inventory = source.collect({"aws.iam.role", "not.a.type"})
    assert inventory.resource_types == ["aws.iam.role"]
    assert set(source.context.calls_by_operation) == {"iam:ListRoles"}


def test_global_collectors_run_once(aws):
    source = AwsSource(AwsOptions(regions=["us-east-1", "eu-west-1", "ap-south-1"]))
    source.collect({"aws.s3.bucket", "aws.iam.role"})
    assert source.context.calls_by_operation == {"s3:ListBuckets": 1, "iam:ListRoles": 1}


def test_region_listing_failure_is_bad_input_not_a_narrower_scan(aws, monkeypatch):
    hook_events(monkeypatch, "before-call", deny(["DescribeRegions"], code="UnauthorizedOperation"))
    with pytest.raises(InputError) as raised:
        AwsSource(AwsOptions()).collect({"aws.iam.role"})
    assert "ec2:DescribeRegions: UnauthorizedOperation" in str(raised.value)


def test_default_regions_are_the_enabled_ones(aws):
    source = AwsSource(AwsOptions())
    inventory = source.collect({"aws.logs.log_group"})
    assert "us-east-1" in inventory.metadata["regions"] and len(inventory.metadata["regions"]) > 5


def test_unimplemented_api_becomes_collection_error(aws, monkeypatch):
    hook_events(monkeypatch, "before-call", deny(["ListDetectors"], code="500", status=500))
    inventory = collect({"aws.guardduty.detector"})
    (error,) = inventory.errors
    assert (error.operation, error.code, error.region) == ("guardduty:ListDetectors", "500", "us-east-1")


def test_every_collector_is_registered_with_a_service():
    collectors = load_collectors()
    mine = {"aws.s3.bucket", "aws.s3.account_public_access_block", "aws.iam.user", "aws.iam.account",
            "aws.iam.password_policy", "aws.iam.role", "aws.kms.key", "aws.logs.log_group",
            "aws.cloudtrail.trail", "aws.cloudtrail.account", "aws.guardduty.detector", "aws.config.recorder",
            "aws.securityhub.hub"}
    assert mine <= set(collectors)
    assert {c.resource_type for c in collectors.values() if c.is_global} >= {
        "aws.s3.bucket", "aws.iam.user", "aws.cloudtrail.account"}


def test_memoized_failure_names_the_qualified_call_on_every_thread(aws, monkeypatch):
    hook_events(monkeypatch, "before-call", deny(["GetAccountPasswordPolicy"]))
    ctx = AwsContext.connect(AwsOptions(regions=["us-east-1"]))
    iam = ctx.client("iam")

    def read() -> str:
        resource = Resource("aws.test", "x")
        ctx.read(resource, "policy", lambda: ctx.memo("pp", iam.get_account_password_policy))
        return resource.unreadable["policy"]

    first, second = in_new_thread(read), in_new_thread(read)  # the second re-raises the first's failure
    assert first == second
    assert first.startswith("iam:GetAccountPasswordPolicy: AccessDenied")
