"""The controls closing AWS Config's "not yet" gaps (route tables, WAFv2, SSM documents, SageMaker endpoint
configurations, DMS, ECS task definitions, Backup vault policies): each compliant, non-compliant and ``error``
when the call that reads what it judges is denied, through the table of ``test_aws_coverage``.

Seeds live in ``aws_coverage_seeds`` (so the policy, declaration and reads tests see these types too); their
docstrings name what moto 5.2.5 lacks and how it is answered instead.
"""
from __future__ import annotations

import pytest
import aws_coverage_seeds as seeds
from aws_helpers import collect, evaluate_control
from test_aws_coverage import GOOD_BAD, Case, assert_denied_is_error, assert_good_and_bad

CASES = [
    Case("aws.ec2.route_table_no_igw_default", seeds.route_tables, {**GOOD_BAD, "bad-v6": "fail"},
         ("DescribeRouteTables",)),
    Case("aws.elbv2.waf", seeds.elbv2s, {**GOOD_BAD, "network": "skip"}, ("GetWebACLForResource",)),
    Case("aws.wafv2.web_acl_logging", seeds.web_acls, GOOD_BAD, ("GetLoggingConfiguration",)),
    Case("aws.wafv2.global_web_acl_logging", seeds.web_acls, {"good-global": "pass", "bad-global": "fail"},
         ("GetLoggingConfiguration",)),
    Case("aws.wafv2.web_acl_logging", seeds.web_acls, GOOD_BAD, ("ListWebACLs",)),
]


@pytest.mark.parametrize("case", CASES, ids=str)
def test_control_passes_the_good_and_fails_the_bad(case: Case, aws, monkeypatch):
    assert_good_and_bad(case, monkeypatch, aws)


@pytest.mark.parametrize("case", CASES, ids=str)
def test_a_denied_read_is_error_never_pass(case: Case, aws, monkeypatch):
    assert_denied_is_error(case, monkeypatch, aws)


def test_a_route_table_named_as_public_tier_passes(aws, monkeypatch):
    tables = seeds.route_tables(aws, monkeypatch)
    inventory = collect({"aws.ec2.route_table"})
    findings = evaluate_control("aws.ec2.route_table_no_igw_default", inventory,
                                allowed_route_table_ids=[tables["bad"]])
    by_table = {f.resource["id"].rpartition("/")[2]: f for f in findings}
    assert by_table[tables["bad"]].status == "pass" and by_table[tables["bad"]].evidence["allowed"] is True
    assert by_table[tables["bad-v6"]].status == "fail"
    assert "::/0 -> igw-" in by_table[tables["bad-v6"]].message
