"""Reading policy documents: statements that open a resource to everyone in less obvious words."""
from __future__ import annotations

import pytest

from hipaacheck.aws_policies import public_grants

READ = ("s3:GetObject",)


def document(**statement) -> dict:
    return {"Version": "2012-10-17", "Statement": [{"Sid": "s", "Effect": "Allow", **statement}]}


@pytest.mark.parametrize("statement", [
    {"Principal": "*", "Action": "s3:GetObject"},
    {"Principal": {"AWS": "*"}, "Action": "s3:*"},
    {"Principal": "*", "NotAction": "s3:DeleteObject"},  # everything but deleting
    {"NotPrincipal": {"AWS": "arn:aws:iam::111122223333:root"}, "Action": "s3:GetObject"},  # everyone but one
    {"Principal": "*", "Action": "s3:GetObject", "Condition": {"IpAddress": {"aws:SourceIp": "0.0.0.0/0"}}},
    {"Principal": "*", "Action": "s3:GetObject", "Condition": {"StringLike": {"aws:PrincipalOrgID": "*"}}},
    {"Principal": "*", "Action": "s3:GetObject",
     "Condition": {"StringNotEquals": {"aws:SourceAccount": "111122223333"}}},  # every account but one
    {"Principal": "*", "Action": "s3:GetObject",
     "Condition": {"NotIpAddress": {"aws:SourceIp": "10.0.0.0/8"}}},  # every network but one
    {"Principal": "*", "Action": "s3:GetObject",
     "Condition": {"StringEqualsIfExists": {"aws:SourceAccount": "111122223333"}}},  # absent on direct calls
], ids=["star", "aws-star", "not-action", "not-principal", "any-address", "any-org", "not-equals",
        "not-ip", "if-exists"])
def test_open_to_everyone(statement):
    assert public_grants(document(**statement), READ) == ["s"]


@pytest.mark.parametrize("statement", [
    {"Principal": {"AWS": "arn:aws:iam::111122223333:root"}, "Action": "s3:GetObject"},
    {"Principal": "*", "NotAction": "s3:Get*"},
    {"Principal": "*", "Action": "s3:GetObject", "Condition": {"IpAddress": {"aws:SourceIp": "10.0.0.0/8"}}},
    {"Principal": "*", "Action": "s3:GetObject", "Condition": {"StringEquals": {"aws:PrincipalOrgID": "o-abc"}}},
    {"Principal": "*", "Action": "s3:GetObject",
     "Condition": {"ForAnyValue:StringLike": {"aws:PrincipalOrgPaths": "o-abc/*"}}},
], ids=["one-account", "not-action-excludes", "private-network", "one-org", "org-paths"])
def test_not_open_to_everyone(statement):
    assert public_grants(document(**statement), READ) == []
