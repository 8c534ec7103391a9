"""Redshift, OpenSearch and ElastiCache encryption and exposure controls on in-process moto.

moto cannot modify a Redshift cluster parameter group (ModifyClusterParameterGroup is not
implemented; every group reports require_ssl = false) and does not return ElastiCache's
TransitEncryptionMode: those answers are shaped with ``after-call`` hooks below.
"""
from __future__ import annotations

from aws_helpers import ACCOUNT, collect, deny, evaluate_control, hook_events, statuses

REDSHIFT = "aws.redshift.cluster"
OPENSEARCH = "aws.opensearch.domain"
ELASTICACHE = "aws.elasticache.replication_group"
TLS12 = "Policy-Min-TLS-1-2-PFS-2023-10"


def run(control_id: str, inventory) -> dict[str, str]:
    return statuses(evaluate_control(control_id, inventory))


def only(control_id: str, inventory) -> set[str]:
    findings = evaluate_control(control_id, inventory)
    assert findings, f"{control_id}: no findings at all"
    return {f.status for f in findings}


def counter(operation: str) -> tuple[list[int], object]:
    calls: list[int] = []

    def handler(model=None, **_):
        if model is not None and model.name == operation:
            calls.append(1)

    return calls, handler


# --------------------------------------------------------------------------- Redshift

def redshift_arn(name: str) -> str:
    return f"arn:aws:redshift:us-east-1:{ACCOUNT}:cluster:{name}"


def require_ssl_in(groups: set[str]):
    """moto reports require_ssl = false for every group: report true for ``groups``."""

    def remember(params=None, context=None, **_):
        context["parameter_group"] = params.get("ParameterGroupName")

    def answer(parsed=None, context=None, **_):
        if context.get("parameter_group") in groups:
            for parameter in parsed.get("Parameters") or []:
                if parameter["ParameterName"] == "require_ssl":
                    parameter["ParameterValue"] = "true"

    return remember, answer


def seed_redshift(aws) -> None:
    redshift = aws.client("redshift")
    redshift.create_cluster_parameter_group(ParameterGroupName="tls", ParameterGroupFamily="redshift-1.0",
                                            Description="require TLS")
    common = {"NodeType": "dc2.large", "MasterUsername": "admin", "MasterUserPassword": "Secret-Pass-123"}
    redshift.create_cluster(ClusterIdentifier="good", Encrypted=True, PubliclyAccessible=False,
                            ClusterParameterGroupName="tls", **common)
    redshift.create_cluster(ClusterIdentifier="good2", Encrypted=True, PubliclyAccessible=False,
                            ClusterParameterGroupName="tls", **common)
    redshift.create_cluster(ClusterIdentifier="bad", Encrypted=False, PubliclyAccessible=True, **common)


def hook_require_ssl(monkeypatch, groups: set[str]) -> None:
    remember, answer = require_ssl_in(groups)
    hook_events(monkeypatch, "provide-client-params.redshift.DescribeClusterParameters", remember)
    hook_events(monkeypatch, "after-call.redshift.DescribeClusterParameters", answer)


def test_redshift_encrypted_and_not_public(aws):
    seed_redshift(aws)
    inventory = collect({REDSHIFT})
    good, good2, bad = redshift_arn("good"), redshift_arn("good2"), redshift_arn("bad")
    assert run("aws.redshift.encrypted", inventory) == {good: "pass", good2: "pass", bad: "fail"}
    assert run("aws.redshift.not_publicly_accessible", inventory) == {good: "pass", good2: "pass", bad: "fail"}


def test_redshift_require_ssl_reads_each_group_once(aws, monkeypatch):
    seed_redshift(aws)
    hook_require_ssl(monkeypatch, {"tls"})
    calls, count = counter("DescribeClusterParameters")
    hook_events(monkeypatch, "before-call", count)
    findings = evaluate_control("aws.redshift.require_ssl", collect({REDSHIFT}))
    assert statuses(findings) == {redshift_arn("good"): "pass", redshift_arn("good2"): "pass",
                                  redshift_arn("bad"): "fail"}
    assert len(calls) == 2  # "tls" once for two clusters, and the default group
    failed = next(f for f in findings if f.status == "fail")
    assert "default.redshift-1.0" in failed.message and "require_ssl = false" in failed.message


def test_redshift_group_without_require_ssl_is_not_enforcing(aws, monkeypatch):
    seed_redshift(aws)

    def drop(parsed=None, **_):
        parsed["Parameters"] = [p for p in parsed.get("Parameters") or [] if p["ParameterName"] != "require_ssl"]

    hook_events(monkeypatch, "after-call.redshift.DescribeClusterParameters", drop)
    findings = evaluate_control("aws.redshift.require_ssl", collect({REDSHIFT}))
    assert {f.status for f in findings} == {"fail"}
    assert all("require_ssl = unset" in f.message for f in findings)


def test_redshift_access_denied_is_error(aws, monkeypatch):
    seed_redshift(aws)
    hook_require_ssl(monkeypatch, {"tls"})
    hook_events(monkeypatch, "before-call", deny(["DescribeClusterParameters"]))
    inventory = collect({REDSHIFT})
    assert only("aws.redshift.require_ssl", inventory) == {"error"}
    assert run("aws.redshift.encrypted", inventory)[redshift_arn("good")] == "pass"  # other reads unaffected


def test_redshift_listing_denied_is_error(aws, monkeypatch):
    seed_redshift(aws)
    hook_events(monkeypatch, "before-call", deny(services=["redshift"]))
    inventory = collect({REDSHIFT})
    for control in ("aws.redshift.encrypted", "aws.redshift.not_publicly_accessible", "aws.redshift.require_ssl"):
        assert only(control, inventory) == {"error"}


# --------------------------------------------------------------------------- OpenSearch

def domain_arn(name: str) -> str:
    return f"arn:aws:es:us-east-1:{ACCOUNT}:domain/{name}"


def domain(client, name: str, secure: bool, policy: str = TLS12, https: bool | None = None) -> str:
    client.create_domain(DomainName=name, EncryptionAtRestOptions={"Enabled": secure},
                         NodeToNodeEncryptionOptions={"Enabled": secure},
                         DomainEndpointOptions={"EnforceHTTPS": secure if https is None else https,
                                                "TLSSecurityPolicy": policy})
    return domain_arn(name)


def test_opensearch_controls(aws):
    client = aws.client("opensearch")
    good = domain(client, "good", True)
    bad = domain(client, "bad", False, policy="Policy-Min-TLS-1-0-2019-07")
    old_tls = domain(client, "old-tls", True, policy="Policy-Min-TLS-1-0-2019-07")
    inventory = collect({OPENSEARCH})
    assert run("aws.opensearch.encrypted_at_rest", inventory) == {good: "pass", bad: "fail", old_tls: "pass"}
    assert run("aws.opensearch.node_to_node_encryption", inventory) == {good: "pass", bad: "fail", old_tls: "pass"}
    findings = evaluate_control("aws.opensearch.https_required", inventory)
    assert statuses(findings) == {good: "pass", bad: "fail", old_tls: "fail"}
    assert "Policy-Min-TLS-1-0-2019-07" in next(f.message for f in findings if f.resource["id"] == old_tls)


def test_opensearch_describes_in_batches_of_five(aws, monkeypatch):
    client = aws.client("opensearch")
    arns = {domain(client, f"domain-{i}", True) for i in range(7)}
    calls, count = counter("DescribeDomains")
    hook_events(monkeypatch, "before-call", count)
    inventory = collect({OPENSEARCH})
    assert set(run("aws.opensearch.encrypted_at_rest", inventory)) == arns
    assert set(run("aws.opensearch.encrypted_at_rest", inventory).values()) == {"pass"}
    assert len(calls) == 2


def test_opensearch_access_denied_is_error(aws, monkeypatch):
    client = aws.client("opensearch")
    good = domain(client, "good", True)
    hook_events(monkeypatch, "before-call", deny(["DescribeDomains"]))
    inventory = collect({OPENSEARCH})
    for control in ("aws.opensearch.encrypted_at_rest", "aws.opensearch.node_to_node_encryption",
                    "aws.opensearch.https_required"):
        assert run(control, inventory) == {good: "error"}


def test_opensearch_listing_denied_is_error(aws, monkeypatch):
    domain(aws.client("opensearch"), "good", True)
    hook_events(monkeypatch, "before-call", deny(["ListDomainNames"]))
    assert only("aws.opensearch.https_required", collect({OPENSEARCH})) == {"error"}


# --------------------------------------------------------------------------- ElastiCache

def group(client, name: str, secure: bool) -> str:
    client.create_replication_group(ReplicationGroupId=name, ReplicationGroupDescription=name, Engine="redis",
                                    CacheNodeType="cache.t3.micro", NumCacheClusters=1,
                                    AtRestEncryptionEnabled=secure, TransitEncryptionEnabled=secure)
    return f"arn:aws:elasticache:us-east-1:{ACCOUNT}:replicationgroup:{name}"


def test_elasticache_encryption(aws, monkeypatch):
    client = aws.client("elasticache")
    good, bad, migrating = group(client, "good", True), group(client, "bad", False), group(client, "migrating", True)

    def preferred(parsed=None, **_):  # moto does not return TransitEncryptionMode
        for replication_group in parsed.get("ReplicationGroups") or []:
            if replication_group["ReplicationGroupId"] == "migrating":
                replication_group["TransitEncryptionMode"] = "preferred"

    hook_events(monkeypatch, "after-call.elasticache.DescribeReplicationGroups", preferred)
    inventory = collect({ELASTICACHE})
    assert run("aws.elasticache.encrypted_at_rest", inventory) == {good: "pass", bad: "fail", migrating: "pass"}
    findings = evaluate_control("aws.elasticache.encrypted_in_transit", inventory)
    assert statuses(findings) == {good: "pass", bad: "fail", migrating: "fail"}
    assert "mode preferred" in next(f.message for f in findings if f.resource["id"] == migrating)


def test_elasticache_access_denied_is_error(aws, monkeypatch):
    group(aws.client("elasticache"), "good", True)
    hook_events(monkeypatch, "before-call", deny(["DescribeReplicationGroups"]))
    inventory = collect({ELASTICACHE})
    assert only("aws.elasticache.encrypted_at_rest", inventory) == {"error"}
    assert only("aws.elasticache.encrypted_in_transit", inventory) == {"error"}
