"""Adversarial AWS cases: configurations that look compliant at a glance but are not, results on
later pages of a paginated call, and responses that hide what they did not show."""
from __future__ import annotations

import json
from typing import Any

import pytest
from aws_answers import model_answers
from aws_helpers import ACCOUNT, collect, evaluate_control, hook_events, statuses



def pages_of(result_key: str, pages: list[list[dict[str, Any]]], marker: str = "Marker",
             next_marker: str = "NextMarker"):
    """A ``model_answers`` response: ``pages`` of ``result_key`` chained by a marker (the page's index)."""

    def page(params: dict[str, Any], region: str | None) -> dict[str, Any]:
        index = int(params.get(marker) or 0)
        answer: dict[str, Any] = {result_key: pages[index]}
        if index + 1 < len(pages):
            answer[next_marker] = str(index + 1)
        return answer

    return page


# --------------------------------------------------------------------------- S3 TLS-only policy

def tls_deny(bucket: str, **overrides: Any) -> dict[str, Any]:
    statement = {"Sid": "TlsOnly", "Effect": "Deny", "Principal": "*", "Action": "s3:*",
                 "Resource": [f"arn:aws:s3:::{bucket}", f"arn:aws:s3:::{bucket}/*"],
                 "Condition": {"Bool": {"aws:SecureTransport": "false"}}}
    statement.update(overrides)
    return {"Version": "2012-10-17", "Statement": [{k: v for k, v in statement.items() if v is not None}]}


POLICIES = {
    "good": ("pass", {}),
    "good-wildcard": ("pass", {"Resource": "arn:aws:s3:::good-wildcard*"}),
    "good-if-exists": ("pass", {"Condition": {"BoolIfExists": {"aws:SecureTransport": "false"}}}),
    "bucket-only": ("fail", {"Resource": "arn:aws:s3:::bucket-only"}),
    "objects-only": ("fail", {"Resource": "arn:aws:s3:::objects-only/*"}),
    "other-bucket": ("fail", {"Resource": ["arn:aws:s3:::elsewhere", "arn:aws:s3:::elsewhere/*"]}),
    "some-actions": ("fail", {"Action": ["s3:GetObject"]}),
    "not-resource": ("fail", {"Resource": None, "NotResource": "arn:aws:s3:::not-resource/public/*"}),
    "narrowed": ("fail", {"Condition": {"Bool": {"aws:SecureTransport": "false"},
                                        "StringNotEquals": {"aws:SourceVpce": "vpce-1234"}}}),
    "tls-version-only": ("fail", {"Condition": {"NumericLessThan": {"s3:TlsVersion": "1.2"}}}),
    "one-account": ("fail", {"Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:root"}}),
}


def test_secure_transport_deny_must_cover_everyone_every_action_and_every_resource(aws):
    s3 = aws.client("s3")
    for name, (_, overrides) in POLICIES.items():
        s3.create_bucket(Bucket=name)
        s3.put_bucket_policy(Bucket=name, Policy=json.dumps(tls_deny(name, **overrides)))
    result = statuses(evaluate_control("aws.s3.secure_transport", collect({"aws.s3.bucket"})))
    assert {arn.rsplit(":", 1)[-1]: status for arn, status in result.items()} == {
        name: expected for name, (expected, _) in POLICIES.items()}


# --------------------------------------------------------------------------- AWS Config

def test_config_recording_only_some_resource_types_fails(aws):
    config = aws.client("config")
    aws.client("s3").create_bucket(Bucket="config-bucket")
    config.put_configuration_recorder(ConfigurationRecorder={
        "name": "default", "roleARN": f"arn:aws:iam::{ACCOUNT}:role/config",
        "recordingGroup": {"allSupported": False, "includeGlobalResourceTypes": False,
                           "resourceTypes": ["AWS::S3::Bucket"]}})
    config.put_delivery_channel(DeliveryChannel={"name": "default", "s3BucketName": "config-bucket"})
    config.start_configuration_recorder(ConfigurationRecorderName="default")
    findings = evaluate_control("aws.config.recording", collect({"aws.config.recorder"}))
    assert [f.status for f in findings] == ["fail"]
    assert "resource types" in findings[0].message


# --------------------------------------------------------------------------- EC2 IMDS

def test_imds_endpoint_disabled_passes(aws):
    ec2 = aws.client("ec2")
    off = ec2.run_instances(ImageId="ami-12c6146b", MinCount=1, MaxCount=1,
                            MetadataOptions={"HttpEndpoint": "disabled"})["Instances"][0]["InstanceId"]
    v1 = ec2.run_instances(ImageId="ami-12c6146b", MinCount=1, MaxCount=1,
                           MetadataOptions={"HttpEndpoint": "enabled", "HttpTokens": "optional"})["Instances"][0]
    result = statuses(evaluate_control("aws.ec2.imdsv2_required", collect({"aws.ec2.instance"})))
    assert {arn.rsplit("/", 1)[-1]: s for arn, s in result.items()} == {off: "pass", v1["InstanceId"]: "fail"}


# --------------------------------------------------------------------------- ELBv2 pagination

def test_http_listener_rule_on_a_later_page_is_seen(aws, monkeypatch):
    from test_aws2_edge import load_balancer

    ids = load_balancer(aws)
    redirect = {"Type": "redirect", "RedirectConfig": {"Protocol": "HTTPS", "Port": "443", "StatusCode": "HTTP_301"}}
    forward = {"Type": "forward", "TargetGroupArn": "arn:aws:elasticloadbalancing:us-east-1:1:targetgroup/tg/1"}
    pages = [[{"RuleArn": "r0", "Priority": "default", "IsDefault": True, "Actions": [redirect]}],
             [{"RuleArn": "r1", "Priority": "1", "IsDefault": False, "Actions": [forward]}]]
    answered = model_answers(monkeypatch, {"DescribeRules": pages_of("Rules", pages)})
    result = statuses(evaluate_control("aws.elbv2.listener_https_only", collect({"aws.elbv2.listener"})))
    assert result[ids["http-redirect"]] == "fail"  # its only forwarding rule is on page 2
    assert answered == ["DescribeRules"] * 6  # both pages, for each of the three HTTP listeners


def test_ssl_policy_described_on_a_later_page_is_judged(aws, monkeypatch):
    from test_aws2_edge import load_balancer

    ids = load_balancer(aws)
    pages = [[{"Name": "ELBSecurityPolicy-TLS13-1-2-2021-06", "SslProtocols": ["TLSv1.2", "TLSv1.3"]}],
             [{"Name": "ELBSecurityPolicy-2016-08", "SslProtocols": ["TLSv1", "TLSv1.1", "TLSv1.2"]}]]
    answered = model_answers(monkeypatch, {"DescribeSSLPolicies": pages_of("SslPolicies", pages)})
    result = statuses(evaluate_control("aws.elbv2.listener_tls_policy", collect({"aws.elbv2.listener"})))
    assert (result[ids["https-modern"]], result[ids["https-legacy"]]) == ("pass", "fail")
    assert answered == ["DescribeSSLPolicies"] * 2  # both pages


# --------------------------------------------------------------------------- Lambda

def lambda_function(session, name: str, variables: dict[str, str]) -> str:
    import io
    import zipfile

    role = session.client("iam").create_role(RoleName=f"{name}-role", AssumeRolePolicyDocument="{}")["Role"]["Arn"]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("index.py", "def handler(event, context):\n    return 1\n")
    return session.client("lambda").create_function(
        FunctionName=name, Runtime="python3.12", Role=role, Handler="index.handler",
        Code={"ZipFile": buffer.getvalue()}, Environment={"Variables": variables})["FunctionArn"]


def test_environment_that_could_not_be_decrypted_is_an_error(aws, monkeypatch):
    arn = lambda_function(aws, "locked", {"DB_PASSWORD": "x"})

    def hide(parsed=None, **_: Any) -> None:
        for function in parsed.get("Functions", []):
            function["Environment"] = {"Error": {"ErrorCode": "AccessDeniedException",
                                                 "Message": "Lambda was unable to decrypt the environment"}}

    hook_events(monkeypatch, "after-call.lambda.ListFunctions", hide)
    findings = evaluate_control("aws.lambda.no_secret_environment_names", collect({"aws.lambda.function"}))
    assert statuses(findings) == {arn: "error"}
    assert "AccessDeniedException" in findings[0].message


def test_secret_names_match_in_any_case_even_with_a_profile_pattern(aws):
    arns = {name: lambda_function(aws, name.lower().replace("_", "-"), {name: "v"})
            for name in ("db_Password", "ApiKey", "DB_PASS", "PLAIN_SETTING")}
    inventory = collect({"aws.lambda.function"})
    default = statuses(evaluate_control("aws.lambda.no_secret_environment_names", inventory))
    assert {n: default[a] for n, a in arns.items()} == {
        "db_Password": "fail", "ApiKey": "fail", "DB_PASS": "fail", "PLAIN_SETTING": "pass"}
    custom = statuses(evaluate_control("aws.lambda.no_secret_environment_names", inventory, name_pattern="password"))
    assert custom[arns["db_Password"]] == "fail"


# --------------------------------------------------------------------------- CloudTrail

def multi_region_trail(session, name: str = "main", selectors: list | None = None,
                       advanced: list | None = None) -> str:
    session.client("s3").create_bucket(Bucket=f"{name}-logs")
    ct = session.client("cloudtrail")
    arn = ct.create_trail(Name=name, S3BucketName=f"{name}-logs", IsMultiRegionTrail=True)["TrailARN"]
    ct.start_logging(Name=name)
    if selectors is not None:
        ct.put_event_selectors(TrailName=name, EventSelectors=selectors)
    if advanced is not None:
        ct.put_event_selectors(TrailName=name, AdvancedEventSelectors=advanced)
    return arn


ALL_MANAGEMENT = [{"ReadWriteType": "All", "IncludeManagementEvents": True}]


def trail_verdict() -> Any:
    findings = evaluate_control("aws.cloudtrail.multi_region_logging",
                                collect({"aws.cloudtrail.account", "aws.cloudtrail.trail"}))
    assert len(findings) == 1
    return findings[0]


@pytest.mark.parametrize("selectors, advanced, expected", [
    (ALL_MANAGEMENT, None, "pass"),
    ([{"ReadWriteType": "ReadOnly", "IncludeManagementEvents": True},
      {"ReadWriteType": "WriteOnly", "IncludeManagementEvents": True}], None, "pass"),
    ([{"ReadWriteType": "All", "IncludeManagementEvents": False}], None, "fail"),
    ([{"ReadWriteType": "ReadOnly", "IncludeManagementEvents": True}], None, "fail"),
    (None, [{"Name": "mgmt", "FieldSelectors": [{"Field": "eventCategory", "Equals": ["Management"]}]}], "pass"),
    (None, [{"Name": "reads", "FieldSelectors": [{"Field": "eventCategory", "Equals": ["Management"]},
                                                 {"Field": "readOnly", "Equals": ["true"]}]}], "fail"),
    (None, [{"Name": "data", "FieldSelectors": [{"Field": "eventCategory", "Equals": ["Data"]},
                                                {"Field": "resources.type", "Equals": ["AWS::S3::Object"]}]}],
     "fail"),
])
def test_logging_trail_must_record_all_management_events(aws, selectors, advanced, expected):
    multi_region_trail(aws, selectors=selectors, advanced=advanced)
    finding = trail_verdict()
    assert finding.status == expected, finding.message


def test_unreadable_event_selectors_are_an_error(aws, monkeypatch):
    from aws_helpers import deny

    multi_region_trail(aws, selectors=ALL_MANAGEMENT)
    hook_events(monkeypatch, "before-call", deny(["GetEventSelectors"]))
    finding = trail_verdict()
    assert finding.status == "error" and "GetEventSelectors" in str(finding.evidence)


# --------------------------------------------------------------------------- S3 log buckets

def test_log_bucket_role_unknown_when_logging_settings_are_unreadable(aws, monkeypatch):
    from aws_helpers import deny

    s3 = aws.client("s3")
    for name in ("app-data", "access-logs"):
        s3.create_bucket(Bucket=name)
    hook_events(monkeypatch, "before-call", deny(["GetBucketLogging"]))
    findings = evaluate_control("aws.s3.log_bucket_object_lock", collect({"aws.s3.bucket"}))
    assert {f.status for f in findings} == {"error"}  # not "skip: not a log bucket"
    assert all("GetBucketLogging" in f.message for f in findings)
