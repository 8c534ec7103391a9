"""The least-privilege IAM policy a scan needs, derived from the API calls each collector declares.

A collector lists its calls as botocore names it (``"s3:GetBucketEncryption"``); the IAM action is the
service's signing name (or :data:`IAM_PREFIXES`) and the operation's name, except for the few operations
whose IAM action is named otherwise (:data:`IAM_NAMES`). Besides the collectors' calls, a scan lists the
enabled regions (``ec2:DescribeRegions``) unless ``--regions`` names them; ``sts:GetCallerIdentity`` needs
no permission.
"""
from __future__ import annotations

from functools import cache
from typing import Any, Iterable

from .registry import load_collectors

# Operations whose IAM action is not "<signing name>:<operation>" (the Service Authorization Reference).
IAM_NAMES = {
    "s3:ListBuckets": "s3:ListAllMyBuckets",
    "s3:GetBucketEncryption": "s3:GetEncryptionConfiguration",
    "s3:GetPublicAccessBlock": "s3:GetBucketPublicAccessBlock",
    "s3:GetObjectLockConfiguration": "s3:GetBucketObjectLockConfiguration",
    "s3:GetBucketLifecycleConfiguration": "s3:GetLifecycleConfiguration",
    "s3:GetBucketReplication": "s3:GetReplicationConfiguration",
    "s3control:GetPublicAccessBlock": "s3:GetAccountPublicAccessBlock",
    # API Gateway authorizes its management API by HTTP method: every read is apigateway:GET
    "apigateway:GetRestApis": "apigateway:GET",
    "apigateway:GetStages": "apigateway:GET",
}
# Services whose IAM prefix is not their signing name (CloudWatch signs as "monitoring").
IAM_PREFIXES = {"cloudwatch": "cloudwatch"}
SCAN_CALLS = ("ec2:DescribeRegions",)  # the account's enabled regions, when --regions does not name them
ORGANIZATION_CALLS = ("organizations:ListAccounts",)  # --accounts all, from the management account
POLICY_VERSION = "2012-10-17"


@cache
def signing_name(service: str) -> str:
    """The IAM service prefix of a botocore service (``elbv2`` → ``elasticloadbalancing``)."""
    import botocore.session

    model = botocore.session.get_session().get_service_model(service)
    return str(model.signing_name or model.endpoint_prefix or service)


def iam_action(call: str) -> str:
    """``service:Operation`` (botocore names) → the IAM action that allows it."""
    if call in IAM_NAMES:
        return IAM_NAMES[call]
    service, _, operation = call.partition(":")
    return f"{IAM_PREFIXES.get(service) or signing_name(service)}:{operation}"


def collector_calls(resource_types: Iterable[str]) -> set[str]:
    """Every call the collectors of ``resource_types`` (and of the types they copy from) may make."""
    collectors = load_collectors()
    wanted = {t for t in resource_types if t in collectors}
    wanted |= {other for t in list(wanted) for other in collectors[t].uses if other in collectors}
    return {call for t in wanted for call in collectors[t].calls}


def read_only_policy(resource_types: Iterable[str], org_role: str | None = None,
                     securityhub_import: bool = False) -> dict[str, Any]:
    """The policy document: read-only actions for the collectors of ``resource_types``; with ``org_role``,
    also what the scanning identity needs to list the Organization and assume that role in each member;
    with ``securityhub_import``, importing findings under the account's own default product (the one
    write a scan may make, and only when asked)."""
    actions = sorted({iam_action(call) for call in collector_calls(resource_types) | set(SCAN_CALLS)})
    statements: list[dict[str, Any]] = [
        {"Sid": "HipaacheckReadOnly", "Effect": "Allow", "Action": actions, "Resource": "*"}]
    if org_role:
        statements += [
            {"Sid": "HipaacheckListAccounts", "Effect": "Allow", "Action": [iam_action(c) for c in ORGANIZATION_CALLS],
             "Resource": "*"},
            {"Sid": "HipaacheckAssumeMemberRole", "Effect": "Allow", "Action": ["sts:AssumeRole"],
             "Resource": f"arn:*:iam::*:role/{org_role}"}]
    if securityhub_import:
        statements.append({"Sid": "HipaacheckImportFindings", "Effect": "Allow",
                           "Action": ["securityhub:BatchImportFindings"],
                           "Resource": "arn:*:securityhub:*:*:product/*/default"})
    return {"Version": POLICY_VERSION, "Statement": statements}
