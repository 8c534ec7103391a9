"""CloudWatch alarms on CloudTrail events (the CIS set) and CloudTrail S3 data events, on in-process moto.

Each alarm control passes when its whole chain is there (logging multi-region trail -> log group ->
metric filter with every term -> alarm on the filter's metric -> SNS topic with a subscription), fails
at each broken link, and is ``error`` when part of the chain cannot be read. The controls share one
check, so one table drives them all.
"""
from __future__ import annotations

import pytest
from aws_coverage_seeds import trail
from aws_helpers import collect, deny, evaluate_control, hook_events

from hipaacheck.controls import builtin_controls
from hipaacheck.registry import load_all

load_all()
ALARMS = "aws.cloudwatch.event_alarms"
DATA = "aws.cloudtrail.s3_data_events"
ALARM_CONTROLS = sorted(i for i in builtin_controls().controls if i.startswith("aws.cloudwatch.alarm_"))


def pattern_for(control_id: str) -> str:
    """A filter pattern holding the control's terms, spaced and quoted differently from the control."""
    terms = builtin_controls().controls[control_id].params["terms"]
    return "{ " + " || ".join(f"({t.replace(' = ', '=').replace(' != ', '!=')})" for t in terms) + " }"


def chain(session, monkeypatch, control_id: str, *, subscribed: bool = True, alarm: bool = True,
          pattern: str | None = None) -> None:
    trail(session, monkeypatch, log_group=True)
    session.client("logs").put_metric_filter(
        logGroupName="trail", filterName="f", filterPattern=pattern or pattern_for(control_id),
        metricTransformations=[{"metricName": "m", "metricNamespace": "CIS", "metricValue": "1"}])
    sns = session.client("sns")
    topic = sns.create_topic(Name="security")["TopicArn"]
    if subscribed:
        sns.subscribe(TopicArn=topic, Protocol="email", Endpoint="security@example.org")
    if alarm:
        session.client("cloudwatch").put_metric_alarm(
            AlarmName="a", MetricName="m", Namespace="CIS", Statistic="Sum", Period=300, Threshold=1,
            ComparisonOperator="GreaterThanOrEqualToThreshold", EvaluationPeriods=1, AlarmActions=[topic])


def status(control_id: str, **params) -> tuple[str, str]:
    findings = evaluate_control(control_id, collect({ALARMS if "cloudwatch" in control_id else DATA}), **params)
    assert len(findings) == 1
    return findings[0].status, findings[0].message


@pytest.mark.parametrize("control_id", ALARM_CONTROLS)
def test_alarm_chain_complete_passes(control_id, aws, monkeypatch):
    chain(aws, monkeypatch, control_id)
    assert status(control_id)[0] == "pass"


@pytest.mark.parametrize("control_id", ALARM_CONTROLS)
def test_filter_missing_a_term_fails(control_id, aws, monkeypatch):
    terms = builtin_controls().controls[control_id].params["terms"]
    chain(aws, monkeypatch, control_id, pattern="{ " + " && ".join(terms[:-1] or ["$.eventName = Other"]) + " }")
    got, message = status(control_id)
    assert got == "fail" and "no metric filter" in message


@pytest.mark.parametrize("broken, words", [({"subscribed": False}, "notify no subscribed topic"),
                                           ({"alarm": False}, "has no alarm")])
def test_alarm_without_subscriber_or_without_alarm_fails(broken, words, aws, monkeypatch):
    chain(aws, monkeypatch, "aws.cloudwatch.alarm_root_usage", **broken)
    got, message = status("aws.cloudwatch.alarm_root_usage")
    assert got == "fail" and words in message


def test_no_trail_delivering_to_cloudwatch_fails(aws, monkeypatch):
    trail(aws, monkeypatch)  # a trail without a log group
    assert status("aws.cloudwatch.alarm_root_usage") == (
        "fail", "root user activity: no logging multi-region trail delivers to CloudWatch Logs")


def test_denied_metric_filters_are_error(aws, monkeypatch):
    chain(aws, monkeypatch, "aws.cloudwatch.alarm_root_usage", alarm=False)
    hook_events(monkeypatch, "before-call", deny(["DescribeMetricFilters"]))
    assert status("aws.cloudwatch.alarm_root_usage")[0] == "error"


def test_denied_subscriptions_are_error(aws, monkeypatch):
    chain(aws, monkeypatch, "aws.cloudwatch.alarm_root_usage")
    hook_events(monkeypatch, "before-call", deny(["ListSubscriptionsByTopic"]))
    assert status("aws.cloudwatch.alarm_root_usage")[0] == "error"


# --------------------------------------------------------------------------- S3 data events

ALL_OBJECTS = {"EventSelectors": [{"ReadWriteType": "All", "DataResources": [
    {"Type": "AWS::S3::Object", "Values": ["arn:aws:s3"]}]}]}
WRITES_ADVANCED = {"AdvancedEventSelectors": [{"Name": "writes", "FieldSelectors": [
    {"Field": "eventCategory", "Equals": ["Data"]}, {"Field": "resources.type", "Equals": ["AWS::S3::Object"]},
    {"Field": "readOnly", "Equals": ["false"]}]}]}
ONE_BUCKET = {"EventSelectors": [{"ReadWriteType": "ReadOnly", "DataResources": [
    {"Type": "AWS::S3::Object", "Values": ["arn:aws:s3:::phi-records/"]}]}]}
FILTERED = {"AdvancedEventSelectors": [{"Name": "some", "FieldSelectors": [
    {"Field": "eventCategory", "Equals": ["Data"]}, {"Field": "resources.type", "Equals": ["AWS::S3::Object"]},
    {"Field": "eventName", "Equals": ["GetObject"]}]}]}


@pytest.mark.parametrize("selectors, read, write", [
    (ALL_OBJECTS, "pass", "pass"), (WRITES_ADVANCED, "fail", "pass"), (ONE_BUCKET, "fail", "fail"),
    (FILTERED, "fail", "fail"), (None, "fail", "fail")])
def test_s3_data_events_for_every_bucket(selectors, read, write, aws, monkeypatch):
    trail(aws, monkeypatch, selectors)
    assert status("aws.cloudtrail.s3_data_events_read")[0] == read
    assert status("aws.cloudtrail.s3_data_events_write")[0] == write


def test_s3_data_events_for_buckets_tagged_as_holding_ephi(aws, monkeypatch):
    s3 = aws.client("s3")
    for name in ("phi-records", "web-assets", "phi-imaging"):
        s3.create_bucket(Bucket=name)
    s3.put_bucket_tagging(Bucket="phi-records", Tagging={"TagSet": [{"Key": "data", "Value": "ephi"}]})
    trail(aws, monkeypatch, ONE_BUCKET)
    assert status("aws.cloudtrail.s3_data_events_read", bucket_tag="data=ephi")[0] == "pass"
    s3.put_bucket_tagging(Bucket="phi-imaging", Tagging={"TagSet": [{"Key": "data", "Value": "ephi"}]})
    got, message = status("aws.cloudtrail.s3_data_events_read", bucket_tag="data=ephi")
    assert got == "fail" and "phi-imaging" in message and "phi-records" not in message
    assert status("aws.cloudtrail.s3_data_events_read")[0] == "fail"  # no tag named: every bucket


def test_s3_data_events_unreadable_selectors_are_error(aws, monkeypatch):
    trail(aws, monkeypatch, ONE_BUCKET)
    hook_events(monkeypatch, "before-call", deny(["GetEventSelectors"]))
    assert status("aws.cloudtrail.s3_data_events_read")[0] == "error"


def test_bucket_tags_are_read_only_when_a_control_names_a_tag():
    from hipaacheck.registry import get_check, load_all

    load_all()
    spec = get_check("aws.cloudtrail.s3_data_events")
    assert "bucket_tags" not in spec.reads_for({"kind": "read", "bucket_tag": ""})
    assert "bucket_tags" in spec.reads_for({"kind": "read", "bucket_tag": "data=ephi"})


def test_a_chain_on_a_trail_homed_outside_the_scanned_regions_counts(aws, monkeypatch):
    """The multi-region trail (homed in us-east-1) covers eu-west-1 too: its alarm chain serves that scan."""
    control_id = ALARM_CONTROLS[0]
    chain(aws, monkeypatch, control_id)
    (finding,) = evaluate_control(control_id, collect({ALARMS}, ["eu-west-1"]))
    assert finding.status == "pass", finding.message
