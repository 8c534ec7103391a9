"""The AWS coverage controls (issue 12), table-driven: each control is compliant on a good resource,
non-compliant on a bad one, and ``error`` when the call that reads what it judges is denied.

Seeds (``aws_coverage_seeds``) build the resources on in-process moto; their docstrings name what moto
5.2.5 lacks and how it is answered instead.
"""
from __future__ import annotations

from pathlib import Path

import pytest
import aws_coverage_seeds as seeds
from aws_helpers import collect
from coverage_table import GOOD_BAD, Case, assert_denied_is_error, assert_good_and_bad
from test_aws4_coverage import CASES as GAP_CASES

TWO_REGIONS = ("us-east-1", "eu-west-1")


CASES = [
    Case("aws.eks.endpoint_not_public", seeds.eks, {**GOOD_BAD, "limited": "pass"}, ("DescribeCluster",)),
    Case("aws.eks.secrets_encrypted", seeds.eks, GOOD_BAD, ("DescribeCluster",)),
    Case("aws.eks.audit_logging", seeds.eks, GOOD_BAD, ("ListClusters",)),
    Case("aws.sagemaker.notebook_no_direct_internet", seeds.sagemaker, GOOD_BAD, ("DescribeNotebookInstance",)),
    Case("aws.sagemaker.notebook_kms", seeds.sagemaker, GOOD_BAD, ("DescribeNotebookInstance",)),
    Case("aws.dax.encrypted_at_rest", seeds.dax, GOOD_BAD, ("DescribeClusters",)),
    Case("aws.dax.endpoint_tls", seeds.dax, GOOD_BAD, ("DescribeClusters",)),
    Case("aws.kinesis.stream_encrypted", seeds.kinesis, GOOD_BAD, ("DescribeStreamSummary",)),
    Case("aws.ecr.kms_encryption", seeds.ecr, GOOD_BAD, ("DescribeRepositories",)),
    Case("aws.msk.encryption_in_transit", seeds.msk, GOOD_BAD, ("ListClustersV2",)),
    Case("aws.msk.no_public_access", seeds.msk, GOOD_BAD, ("ListClustersV2",)),
    Case("aws.emr.master_no_public_ip", seeds.emr, GOOD_BAD, ("ListInstances",)),
    Case("aws.emr.kerberos_enabled", seeds.emr, GOOD_BAD, ("DescribeCluster",)),
    Case("aws.ec2.instance_no_public_ip", seeds.instances, {**GOOD_BAD, "tier": "fail"}, ("DescribeInstances",)),
    Case("aws.ec2.instance_no_public_ip", seeds.instances, {**GOOD_BAD, "tier": "pass"}, ("DescribeInstances",),
         params={"public_tier_tag_keys": ["public-web"]}),
    Case("aws.ec2.instance_max_age", seeds.instances, {**GOOD_BAD, "parked": "skip"}, ("DescribeInstances",)),
    Case("aws.ec2.stopped_instance_max_days", seeds.instances, {"parked": "pass", "forgotten": "fail",
                                                               "good": "skip"}, ("DescribeInstances",)),
    Case("aws.ec2.instance_profile_attached", seeds.instances, GOOD_BAD, ("DescribeInstances",)),
    Case("aws.ssm.instance_managed", seeds.ssm, {"good": "pass", "bad": "pass", "rogue": "fail"},
         ("DescribeInstanceInformation",)),
    Case("aws.ssm.patch_compliance", seeds.ssm, {**GOOD_BAD, "rogue": "skip"}, ("ListResourceComplianceSummaries",)),
    Case("aws.ssm.association_compliance", seeds.ssm, {**GOOD_BAD, "rogue": "skip"},
         ("ListResourceComplianceSummaries",)),
    Case("aws.ec2.network_acl_admin_ports", seeds.network_acls, {**GOOD_BAD, "shielded": "pass"},
         ("DescribeNetworkAcls",)),
    Case("aws.ec2.network_acl_no_all_traffic", seeds.network_acls, {**GOOD_BAD, "shielded": "pass"},
         ("DescribeNetworkAcls",)),
    Case("aws.ec2.subnet_no_auto_public_ip", seeds.subnets, GOOD_BAD, ("DescribeSubnets",)),
    Case("aws.lambda.not_public", seeds.lambdas, GOOD_BAD, ("GetPolicy",)),
    Case("aws.lambda.function_url_auth", seeds.lambdas, GOOD_BAD, ("ListFunctionUrlConfigs",)),
    Case("aws.s3.no_public_read", seeds.buckets, {"good": "pass", "bad-read": "fail", "blocked": "pass",
                                                 "bad-write": "pass"}, ("GetBucketAcl",), still=("blocked",)),
    Case("aws.s3.no_public_write", seeds.buckets, {"good": "pass", "bad-write": "fail", "blocked": "pass",
                                                  "bad-read": "pass"}, ("GetBucketPolicy",)),
    Case("aws.elb.listeners_encrypted", seeds.classic_elbs, {**GOOD_BAD, "old": "pass"}, ("DescribeLoadBalancers",)),
    Case("aws.elb.tls_policy", seeds.classic_elbs, {"good": "pass", "old": "fail", "bad": "pass"},
         ("DescribeLoadBalancerPolicies",), still=("bad",)),
    Case("aws.elb.access_logs", seeds.classic_elbs, GOOD_BAD, ("DescribeLoadBalancerAttributes",)),
    Case("aws.elbv2.access_logs", seeds.elbv2s, GOOD_BAD, ("DescribeLoadBalancerAttributes",)),
    Case("aws.elbv2.deletion_protection", seeds.elbv2s, GOOD_BAD, ("DescribeLoadBalancerAttributes",)),
    Case("aws.apigateway.execution_logging", seeds.api_stages, GOOD_BAD, ("GetStages",)),
    Case("aws.apigateway.cache_encrypted", seeds.api_stages, GOOD_BAD, ("GetStages",)),
    Case("aws.apigateway.client_certificate", seeds.api_stages, GOOD_BAD, ("GetRestApis",)),
    Case("aws.apigateway.waf", seeds.api_stages, GOOD_BAD, ("GetStages",)),
    Case("aws.rds.multi_az", seeds.rds_instances, GOOD_BAD, ("DescribeDBInstances",)),
    Case("aws.rds.log_exports", seeds.rds_instances, GOOD_BAD, ("DescribeDBInstances",)),
    Case("aws.rds.auto_minor_version_upgrade", seeds.rds_instances, GOOD_BAD, ("DescribeDBInstances",)),
    Case("aws.rds.enhanced_monitoring", seeds.rds_instances, GOOD_BAD, ("DescribeDBInstances",)),
    Case("aws.rds.in_backup_plan", seeds.rds_instances, GOOD_BAD, ("ListProtectedResources",)),
    Case("aws.rds.cluster_multi_az", seeds.rds_clusters, GOOD_BAD, ("DescribeDBClusters",)),
    Case("aws.rds.cluster_log_exports", seeds.rds_clusters, {**GOOD_BAD, "good-docdb": "skip"},
         ("DescribeDBClusters",)),
    Case("aws.rds.cluster_in_backup_plan", seeds.rds_clusters, GOOD_BAD, ("ListProtectedResources",)),
    Case("aws.docdb.storage_encrypted", seeds.rds_clusters, {"good-docdb": "pass", "bad-docdb": "fail",
                                                            "good": "skip"}, ("DescribeDBClusters",)),
    Case("aws.docdb.audit_logs", seeds.rds_clusters, {"good-docdb": "pass", "bad-docdb": "fail"},
         ("DescribeDBClusters",)),
    Case("aws.neptune.storage_encrypted", seeds.rds_clusters, {"good-neptune": "pass", "bad-neptune": "fail",
                                                              "good-docdb": "skip"}, ("DescribeDBClusters",)),
    Case("aws.neptune.audit_logs", seeds.rds_clusters, {"good-neptune": "pass", "bad-neptune": "fail"},
         ("DescribeDBClusters",)),
    Case("aws.redshift.audit_logging", seeds.redshift, GOOD_BAD, ("DescribeLoggingStatus",)),
    Case("aws.redshift.automated_snapshots", seeds.redshift, GOOD_BAD, ("DescribeClusters",)),
    Case("aws.redshift.version_upgrade", seeds.redshift, GOOD_BAD, ("DescribeClusters",)),
    Case("aws.efs.backup_policy", seeds.file_systems, GOOD_BAD, ("DescribeBackupPolicy",)),
    Case("aws.efs.in_backup_plan", seeds.file_systems, GOOD_BAD, ("ListProtectedResources",)),
    Case("aws.dynamodb.deletion_protection", seeds.tables, GOOD_BAD, ("DescribeTable",)),
    Case("aws.dynamodb.in_backup_plan", seeds.tables, GOOD_BAD, ("ListProtectedResources",)),
    Case("aws.secretsmanager.rotation_enabled", seeds.secrets, GOOD_BAD, ("ListSecrets",)),
    Case("aws.secretsmanager.rotated_recently", seeds.secrets, GOOD_BAD, ("ListSecrets",)),
    Case("aws.secretsmanager.customer_key", seeds.secrets, GOOD_BAD, ("ListSecrets",)),
    Case("aws.acm.certificate_expiry", seeds.certificates, {**GOOD_BAD, "pending": "skip"}, ("ListCertificates",)),
    Case("aws.accessanalyzer.enabled", seeds.analyzers, GOOD_BAD, ("ListAnalyzers",), regions=TWO_REGIONS),
    Case("aws.iam.policy_no_admin", seeds.policies, {**GOOD_BAD, "wide": "pass"}, ("GetPolicyVersion",)),
    Case("aws.iam.policy_no_full_service_access", seeds.policies, {"good": "pass", "wide": "fail", "bad": "pass"},
         ("ListPolicies",)),
    Case("aws.iam.inline_policy_no_admin", seeds.policies, {"good-role": "pass", "bad-role": "fail", "group": "fail"},
         ("GetRolePolicy", "GetGroupPolicy")),
    Case("aws.ec2.instance_in_backup_plan", seeds.instances, {**GOOD_BAD, "parked": "fail"}, ("ListProtectedResources",)),
    Case("aws.ec2.volume_in_backup_plan", seeds.volumes, GOOD_BAD, ("ListProtectedResources",)),
    Case("aws.elasticache.automatic_backups", seeds.caches, GOOD_BAD, ("DescribeReplicationGroups",)),
    Case("aws.opensearch.in_vpc", seeds.domains, GOOD_BAD, ("DescribeDomains",)),
    Case("aws.opensearch.logs_to_cloudwatch", seeds.domains, GOOD_BAD, ("DescribeDomains",)),
    Case("aws.kms.key_not_pending_deletion", seeds.keys, GOOD_BAD, ("DescribeKey",)),
    Case("aws.guardduty.high_findings_resolved", seeds.findings, GOOD_BAD, ("GetFindings",), regions=TWO_REGIONS),
] + GAP_CASES  # the controls of AWS Config's former "not yet" gaps (test_aws4_coverage)


@pytest.mark.parametrize("case", CASES, ids=str)
def test_control_passes_the_good_and_fails_the_bad(case: Case, aws, monkeypatch):
    assert_good_and_bad(case, monkeypatch, aws)


@pytest.mark.parametrize("case", CASES, ids=str)
def test_a_denied_read_is_error_never_pass(case: Case, aws, monkeypatch):
    assert_denied_is_error(case, monkeypatch, aws)


def test_every_aws_control_has_a_case_here_or_tests_of_its_own():
    """Every AWS control of the catalog is a row of this table, one of the alarm controls test_aws_audit_alarms
    drives from the catalog, or named by an AWS test module of its own (test_aws_s3, test_aws2_rds...): a
    control added without a test fails here. The end-to-end scans name every control and judge none alone."""
    from test_aws_audit_alarms import ALARM_CONTROLS

    from hipaacheck.controls import builtin_controls

    controls = {i for i in builtin_controls().controls if i.startswith("aws.")}
    tabled = {c.control for c in CASES} | set(ALARM_CONTROLS)
    assert tabled <= controls, sorted(tabled - controls)  # no row for a control the catalog lost
    end_to_end = {"test_aws_e2e.py", "test_aws_coverage_e2e.py", Path(__file__).name}
    others = "\n".join(p.read_text() for p in sorted(Path(__file__).parent.glob("test_aws*.py")) if p.name not in end_to_end)
    untested = sorted(i for i in controls - tabled if f'"{i}"' not in others)
    assert not untested, f"AWS controls with no case in this table and no test of their own: {untested}"


def test_a_mocked_answer_botocore_could_not_produce_is_recorded_for_the_test_to_fail(aws, monkeypatch):
    """The shape check runs in a collector thread, where its exception only becomes an ``error`` finding:
    it is recorded, and the autouse fixture in aws_fixtures fails the test on it."""
    from aws_answers import SHAPE_ERRORS, model_answers

    model_answers(monkeypatch, {"ListAnalyzers": {"analyzers": "not-a-list"}})
    collect({"aws.accessanalyzer.region"})
    assert SHAPE_ERRORS and SHAPE_ERRORS[0].startswith("ListAnalyzers: ")
    SHAPE_ERRORS.clear()  # seen: this test is about the recording, not a bad seed
