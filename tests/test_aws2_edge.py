"""ELBv2, CloudFront and Lambda controls on in-process moto, the Lambda secrets guarantee, and an
end-to-end CLI collect + scan + snapshot scan of this module's controls."""
from __future__ import annotations

import io
import json
import zipfile

import pytest
from aws_helpers import ACCOUNT, collect, deny, evaluate_control, hook_events, statuses

SECRET = "SEEDED-SECRET-VALUE-123"


def only(findings) -> set[str]:
    return {f.status for f in findings}


# --------------------------------------------------------------------------- ELBv2

def load_balancer(session) -> dict[str, str]:
    ec2, elb = session.client("ec2"), session.client("elbv2")
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    subnets = [ec2.create_subnet(VpcId=vpc, CidrBlock=f"10.0.{i}.0/24", AvailabilityZone=f"us-east-1{z}")
               ["Subnet"]["SubnetId"] for i, z in ((1, "a"), (2, "b"))]
    lb = elb.create_load_balancer(Name="app", Subnets=subnets)["LoadBalancers"][0]["LoadBalancerArn"]
    nlb = elb.create_load_balancer(Name="net", Subnets=subnets, Type="network")["LoadBalancers"][0]["LoadBalancerArn"]
    group = elb.create_target_group(Name="tg", Protocol="HTTP", Port=80, VpcId=vpc)["TargetGroups"][0]["TargetGroupArn"]
    tcp_group = elb.create_target_group(Name="tcp", Protocol="TCP", Port=5432, VpcId=vpc)["TargetGroups"][0]
    cert = session.client("acm").request_certificate(DomainName="example.com")["CertificateArn"]
    forward = [{"Type": "forward", "TargetGroupArn": group}]
    redirect = [{"Type": "redirect", "RedirectConfig": {"Protocol": "HTTPS", "Port": "443", "StatusCode": "HTTP_301"}}]

    def listener(port: int, protocol: str, actions, arn=lb, **extra) -> str:
        return elb.create_listener(LoadBalancerArn=arn, Protocol=protocol, Port=port, DefaultActions=actions,
                                   **extra)["Listeners"][0]["ListenerArn"]

    tls = {"Certificates": [{"CertificateArn": cert}]}
    ids = {
        "https-modern": listener(443, "HTTPS", forward, SslPolicy="ELBSecurityPolicy-TLS13-1-2-2021-06", **tls),
        "https-legacy": listener(8443, "HTTPS", forward, SslPolicy="ELBSecurityPolicy-2016-08", **tls),
        "http-redirect": listener(80, "HTTP", redirect),
        "http-forward": listener(8080, "HTTP", forward),
        "http-redirect-rule-forward": listener(8081, "HTTP", redirect),
        "tcp": listener(5432, "TCP", [{"Type": "forward", "TargetGroupArn": tcp_group["TargetGroupArn"]}], arn=nlb),
    }
    elb.create_rule(ListenerArn=ids["http-redirect-rule-forward"], Priority=1, Actions=forward,
                    Conditions=[{"Field": "path-pattern", "Values": ["/api/*"]}])
    return ids


def by_name(ids: dict[str, str], result: dict[str, str]) -> dict[str, str]:
    return {name: result[arn] for name, arn in ids.items()}


def test_elbv2_tls_policy_and_https_only(aws):
    ids = load_balancer(aws)
    inventory = collect({"aws.elbv2.listener"})
    assert by_name(ids, statuses(evaluate_control("aws.elbv2.listener_tls_policy", inventory))) == {
        "https-modern": "pass", "https-legacy": "fail", "http-redirect": "skip", "http-forward": "skip",
        "http-redirect-rule-forward": "skip", "tcp": "skip"}
    assert by_name(ids, statuses(evaluate_control("aws.elbv2.listener_https_only", inventory))) == {
        "https-modern": "pass", "https-legacy": "pass", "http-redirect": "pass", "http-forward": "fail",
        "http-redirect-rule-forward": "fail", "tcp": "skip"}
    named = statuses(evaluate_control("aws.elbv2.listener_tls_policy", inventory,
                                      allowed_policies=["ELBSecurityPolicy-2016-08"]))
    assert named[ids["https-modern"]] == "fail" and named[ids["https-legacy"]] == "pass"


def test_elbv2_unreadable_policy_and_rules_are_errors(aws, monkeypatch):
    ids = load_balancer(aws)
    hook_events(monkeypatch, "before-call", deny(["DescribeSSLPolicies", "DescribeRules"]))
    inventory = collect({"aws.elbv2.listener"})
    tls = by_name(ids, statuses(evaluate_control("aws.elbv2.listener_tls_policy", inventory)))
    assert tls["https-modern"] == tls["https-legacy"] == "error"
    https = by_name(ids, statuses(evaluate_control("aws.elbv2.listener_https_only", inventory)))
    assert https["http-redirect"] == https["http-forward"] == "error" and https["https-modern"] == "pass"


def test_elbv2_listing_denied_is_error(aws, monkeypatch):
    load_balancer(aws)
    hook_events(monkeypatch, "before-call", deny(["DescribeListeners"]))
    assert only(evaluate_control("aws.elbv2.listener_https_only", collect({"aws.elbv2.listener"}))) == {"error"}


# --------------------------------------------------------------------------- CloudFront

def distribution(session, name: str, policy: str, certificate: dict) -> str:
    behaviour = {"TargetOriginId": "o", "ViewerProtocolPolicy": "https-only", "MinTTL": 0,
                 "ForwardedValues": {"QueryString": False, "Cookies": {"Forward": "none"}},
                 "TrustedSigners": {"Enabled": False, "Quantity": 0}}
    config = {"CallerReference": name, "Comment": name, "Enabled": True,
              "Origins": {"Quantity": 1, "Items": [{"Id": "o", "DomainName": "b.s3.amazonaws.com",
                                                    "S3OriginConfig": {"OriginAccessIdentity": ""}}]},
              "DefaultCacheBehavior": {**behaviour, "ViewerProtocolPolicy": "redirect-to-https"},
              "CacheBehaviors": {"Quantity": 1, "Items": [{**behaviour, "PathPattern": "/static/*",
                                                           "ViewerProtocolPolicy": policy}]},
              "ViewerCertificate": certificate}
    return session.client("cloudfront").create_distribution(DistributionConfig=config)["Distribution"]["ARN"]


def acm(version: str) -> dict:
    return {"ACMCertificateArn": f"arn:aws:acm:us-east-1:{ACCOUNT}:certificate/x", "SSLSupportMethod": "sni-only",
            "MinimumProtocolVersion": version, "CloudFrontDefaultCertificate": False}


def test_cloudfront_viewer_https_and_minimum_tls(aws, monkeypatch):
    modern = distribution(aws, "modern", "https-only", acm("TLSv1.2_2021"))
    old = distribution(aws, "old", "allow-all", acm("TLSv1.1_2016"))
    default_cert = distribution(aws, "default", "https-only", {"CloudFrontDefaultCertificate": True})
    inventory = collect({"aws.cloudfront.distribution"}, ("us-east-1", "eu-west-1"))
    assert statuses(evaluate_control("aws.cloudfront.viewer_https_only", inventory)) == {
        modern: "pass", old: "fail", default_cert: "pass"}
    assert statuses(evaluate_control("aws.cloudfront.minimum_tls", inventory)) == {
        modern: "pass", old: "fail", default_cert: "fail"}
    hook_events(monkeypatch, "before-call", deny(["ListDistributions"]))
    assert only(evaluate_control("aws.cloudfront.minimum_tls", collect({"aws.cloudfront.distribution"}))) == {"error"}


# --------------------------------------------------------------------------- Lambda

def function(session, name: str, variables: dict[str, str]) -> str:
    iam = session.client("iam")
    try:
        role = iam.get_role(RoleName="fn")["Role"]["Arn"]
    except iam.exceptions.NoSuchEntityException:
        role = iam.create_role(RoleName="fn", AssumeRolePolicyDocument="{}")["Role"]["Arn"]
    code = io.BytesIO()
    with zipfile.ZipFile(code, "w") as archive:
        archive.writestr("app.py", "def handler(event, context):\n    return None\n")
    return session.client("lambda").create_function(
        FunctionName=name, Runtime="python3.12", Role=role, Handler="app.handler", Code={"ZipFile": code.getvalue()},
        Environment={"Variables": variables})["FunctionArn"]


def test_lambda_secret_environment_names(aws, monkeypatch):
    clean = function(aws, "clean", {"LOG_LEVEL": "info", "TABLE_NAME": "t"})
    leaky = function(aws, "leaky", {"DB_PASSWORD": SECRET, "STRIPE_API_KEY": SECRET, "REGION_NAME": "x"})
    findings = evaluate_control("aws.lambda.no_secret_environment_names", collect({"aws.lambda.function"}))
    assert statuses(findings) == {clean: "pass", leaky: "fail"}
    assert next(f for f in findings if f.resource["id"] == leaky).evidence["names"] == ["DB_PASSWORD", "STRIPE_API_KEY"]
    hook_events(monkeypatch, "before-call", deny(["ListFunctions"]))
    assert only(evaluate_control("aws.lambda.no_secret_environment_names",
                                 collect({"aws.lambda.function"}))) == {"error"}


# --------------------------------------------------------------------------- end to end

@pytest.fixture
def profile(tmp_path):
    path = tmp_path / "aws2.yaml"
    path.write_text("id: aws2-test\ntitle: AWS part 2 controls\nextends: hipaa-base\n"
                    "controls:\n  include: [aws.lambda.*, aws.ec2.ebs_encryption_by_default, aws.backup.plan_retention]\n")
    return path


def test_cli_collect_scan_and_snapshot_never_carry_secret_values(aws, cli, profile, tmp_path):
    function(aws, "leaky", {"DB_PASSWORD": SECRET, "API_TOKEN": SECRET})
    aws.client("ec2").enable_ebs_encryption_by_default()
    inventory = tmp_path / "inventory.json"
    collected = cli("collect", "aws", "--regions", "us-east-1,eu-west-1", "--profile", profile, "-o", inventory, "-q")
    assert collected.code == 0, collected.err
    scanned = cli("scan", "--source", "aws", "--regions", "us-east-1,eu-west-1", "--profile", profile,
                  "--format", "json", "-q")
    offline = cli("scan", "--source", "snapshot", "--inventory", inventory, "--profile", profile, "--format", "json",
                  "-q")
    for text in (inventory.read_text(), scanned.out, scanned.err, offline.out, collected.err):
        assert SECRET not in text
    assert "DB_PASSWORD" in inventory.read_text()  # names are kept: the check needs them
    live = {(f["control_id"], f["resource"]["id"], f["status"]) for f in scanned.json()["findings"]}
    assert live == {(f["control_id"], f["resource"]["id"], f["status"]) for f in offline.json()["findings"]}
    assert ("aws.lambda.no_secret_environment_names",
            f"arn:aws:lambda:us-east-1:{ACCOUNT}:function:leaky", "fail") in live
    assert ("aws.ec2.ebs_encryption_by_default",
            f"arn:aws:ec2:eu-west-1:{ACCOUNT}:ebs-encryption-by-default", "fail") in live
    assert scanned.code == 1 and offline.code == 1
    json.loads(inventory.read_text())  # a valid document, not a partial write
