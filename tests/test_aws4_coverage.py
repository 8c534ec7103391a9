"""The controls closing AWS Config's "not yet" gaps (route tables, WAFv2, SSM documents, SageMaker endpoint
configurations, DMS, ECS task definitions, Backup vault policies): their rows of the coverage table, which
``test_aws_coverage`` runs (compliant, non-compliant, ``error`` when the read is denied), and what the table
cannot say.

Seeds live in ``aws_coverage_seeds`` (so the policy, declaration and reads tests see these types too); their
docstrings name what moto 5.2.5 lacks and how it is answered instead.
"""
from __future__ import annotations

import aws_coverage_seeds as seeds
from aws_answers import model_answers
from aws_helpers import collect, evaluate_control
from coverage_table import GOOD_BAD, Case

CASES = [
    Case("aws.ec2.route_table_no_igw_default", seeds.route_tables, {**GOOD_BAD, "bad-v6": "fail"},
         ("DescribeRouteTables",)),
    Case("aws.elbv2.waf", seeds.elbv2s, {**GOOD_BAD, "network": "skip"}, ("GetWebACLForResource",)),
    Case("aws.wafv2.web_acl_logging", seeds.web_acls, GOOD_BAD, ("GetLoggingConfiguration",)),
    Case("aws.wafv2.global_web_acl_logging", seeds.web_acls, {"good-global": "pass", "bad-global": "fail"},
         ("GetLoggingConfiguration",)),
    Case("aws.wafv2.web_acl_logging", seeds.web_acls, GOOD_BAD, ("ListWebACLs",)),
    Case("aws.ssm.document_not_public", seeds.ssm_documents, {**GOOD_BAD, "private": "pass"},
         ("DescribeDocumentPermission",)),
    Case("aws.sagemaker.endpoint_config_kms", seeds.endpoint_configs, GOOD_BAD, ("DescribeEndpointConfig",)),
    Case("aws.dms.replication_not_public", seeds.replication_instances, GOOD_BAD, ("DescribeReplicationInstances",)),
    Case("aws.ecs.containers_readonly_root", seeds.task_definitions,
         {**GOOD_BAD, "bridge": "pass", "privileged": "pass", "stale": "pass"}, ("DescribeTaskDefinition",)),
    Case("aws.ecs.host_mode_user", seeds.task_definitions,
         {**GOOD_BAD, "bridge": "skip", "privileged": "pass", "stale": "pass"}, ("DescribeTaskDefinition",)),
    Case("aws.ecs.host_mode_user", seeds.task_definitions, GOOD_BAD, ("ListTaskDefinitions",)),
    Case("aws.backup.vault_deletion_denied", seeds.vault_policies,
         {**GOOD_BAD, "wild": "pass", "conditional": "fail", "exempting": "fail", "open": "fail", "narrow": "fail",
          "patterned": "pass"},
         ("GetBackupVaultAccessPolicy",)),
]


def test_a_route_table_named_as_public_tier_passes(aws, monkeypatch):
    tables = seeds.route_tables(aws, monkeypatch)
    inventory = collect({"aws.ec2.route_table"})
    findings = evaluate_control("aws.ec2.route_table_no_igw_default", inventory,
                                allowed_route_table_ids=[tables["bad"]])
    by_table = {f.resource["id"].rpartition("/")[2]: f for f in findings}
    assert by_table[tables["bad"]].status == "pass" and by_table[tables["bad"]].evidence["allowed"] is True
    assert by_table[tables["bad-v6"]].status == "fail"
    assert "::/0 -> igw-" in by_table[tables["bad-v6"]].message


def test_only_documents_the_account_owns_are_judged(aws, monkeypatch):
    seeds.ssm_documents(aws, monkeypatch)
    findings = evaluate_control("aws.ssm.document_not_public", collect({"aws.ssm.document"}))
    assert sorted(f.resource["id"].rpartition("/")[2] for f in findings) == ["bad-doc", "good-doc", "private-doc"]


def test_sharing_on_a_later_page_is_seen_and_a_looping_token_is_error(aws, monkeypatch):
    """DescribeDocumentPermission has no botocore paginator: its NextToken is followed by hand."""
    seeds.ssm_documents(aws, monkeypatch)
    pages = {None: {"AccountIds": ["111122223333"], "NextToken": "t1"}, "t1": {"AccountIds": [], "NextToken": "t2"},
             "t2": {"AccountIds": ["all"]}}  # an empty page mid-listing is not the end

    def permission(params, region):
        if params["Name"] == "private-doc":
            return {"AccountIds": ["111122223333"], "NextToken": "loop"}  # the same token, again and again
        return pages[params.get("NextToken")]

    model_answers(monkeypatch, {"DescribeDocumentPermission": permission})
    findings = evaluate_control("aws.ssm.document_not_public", collect({"aws.ssm.document"}))
    by_name = {f.resource["id"].rpartition("/")[2]: f for f in findings}
    assert {name: f.status for name, f in by_name.items()} == {"good-doc": "fail", "bad-doc": "fail",
                                                               "private-doc": "error"}
    assert "a second time" in by_name["private-doc"].message


def test_only_each_family_s_latest_active_revision_is_judged_and_no_environment_value_is_kept(aws, monkeypatch):
    import json

    labels = seeds.task_definitions(aws, monkeypatch)
    inventory = collect({"aws.ecs.task_definition"})
    assert sorted(r.id for r in inventory.resources) == sorted(labels.values())
    assert seeds.ECS_SECRET not in json.dumps([r.attributes for r in inventory.resources])
    good = next(r for r in inventory.resources if r.attributes["family"] == "good-task")
    assert good.attributes["revision"] == 2 and good.attributes["revision_arn"] == f"{good.id}:2"
    assert not good.id.endswith(":2")  # the family is the resource: its id outlives each revision


def test_root_users_are_named_as_ecs_spells_them():
    from hipaacheck.model import Resource
    from hipaacheck.registry import get_check, load_all

    load_all()
    check = get_check("aws.ecs.host_mode_user").function

    def status(user):
        container = {"name": "app", "privileged": None, "user": user}
        return check(Resource("aws.ecs.task_definition", "td", {"network_mode": "host", "containers": [container]}),
                     {}).status

    assert [status(u) for u in (None, "root", "0", "0:0", "root:wheel")] == ["fail"] * 5
    assert [status(u) for u in ("1000", "app", "1000:0", "rooty")] == ["pass"] * 4


def test_the_web_acl_is_read_only_when_wanted_and_only_for_application_load_balancers(aws, monkeypatch):
    from hipaacheck.sources.aws.context import AwsOptions
    from hipaacheck.sources.aws.source import AwsSource

    seeds.elbv2s(aws, monkeypatch)
    lbs = "aws.elbv2.load_balancer"
    for wanted, web_acl_calls in (({"access_logs"}, 0), ({"web_acl"}, 2)):  # the two ALBs, not the NLB
        source = AwsSource(AwsOptions(regions=["us-east-1"]))
        inventory = source.collect({lbs}, attributes={lbs: frozenset(wanted)})
        assert source.context.calls_by_operation.get("wafv2:GetWebACLForResource", 0) == web_acl_calls
    web_acls = {r.attributes["name"]: r.attributes.get("web_acl", "absent") for r in inventory.resources}
    assert web_acls["bad"] is None and web_acls["network"] == "absent" and ":regional/webacl/alb/" in web_acls["good"]
    assert not any("web_acl" in r.unreadable for r in inventory.resources)


def test_a_dms_instance_whose_listing_omits_public_access_is_an_error(aws, monkeypatch):
    from aws_answers import edit_answer

    seeds.replication_instances(aws, monkeypatch)

    def omit(parsed, params):
        for instance in parsed.get("ReplicationInstances", []):
            instance.pop("PubliclyAccessible", None)

    edit_answer(monkeypatch, "DescribeReplicationInstances", omit, "dms")
    findings = evaluate_control("aws.dms.replication_not_public", collect({"aws.dms.replication_instance"}))
    assert findings and {f.status for f in findings} == {"error"}
    assert all("did not report PubliclyAccessible" in f.message for f in findings)


def test_a_document_whose_sharing_was_not_read_does_not_pass():
    from hipaacheck.inventory import Inventory
    from hipaacheck.model import Resource

    old = Resource("aws.ssm.document", "arn:aws:ssm:us-east-1:123456789012:document/old", {"name": "old"},
                   "us-east-1", "123456789012")  # an inventory from before shared_with was collected
    inventory = Inventory(source="aws", collected_at="2026-12-01T00:00:00Z", resource_types=["aws.ssm.document"],
                          resources=[old])
    [finding] = evaluate_control("aws.ssm.document_not_public", inventory)
    assert finding.status == "fail"
