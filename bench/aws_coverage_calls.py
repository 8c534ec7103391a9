"""API calls per resource for the resource types the coverage controls added (issue 12), not a test.

Seeds the coverage test seeds (one good and one bad resource of each type, a few edge cases) on a
loopback moto server, then collects each new type alone, reading what the hipaa-aws profile's controls
read, and prints per type: resources, calls (listing pages included), calls per resource, and the calls by
operation; the types that gained attributes are listed after the new ones. Calls the
server has no handler for are answered in-process as in the tests (they still count as calls).

    .venv/bin/python bench/aws_coverage_calls.py
"""
from __future__ import annotations

import os
import sys
from pathlib import Path

from _common import REGION, moto_server

NEW_TYPES = ("aws.accessanalyzer.region", "aws.acm.certificate", "aws.apigateway.stage",
             "aws.cloudtrail.s3_data_events", "aws.cloudwatch.event_alarms", "aws.dax.cluster", "aws.ec2.network_acl",
             "aws.ec2.subnet", "aws.ecr.repository", "aws.eks.cluster", "aws.elb.load_balancer",
             "aws.elbv2.load_balancer", "aws.emr.cluster", "aws.iam.inline_policy", "aws.iam.policy",
             "aws.kinesis.stream", "aws.msk.cluster", "aws.sagemaker.notebook_instance", "aws.secretsmanager.secret")
# types that gained attributes (and so calls): SSM views, Backup recovery points, policies, ACLs, findings
EXTENDED_TYPES = ("aws.ec2.instance", "aws.rds.db_instance", "aws.rds.db_cluster", "aws.efs.file_system",
                  "aws.dynamodb.table", "aws.redshift.cluster", "aws.lambda.function", "aws.s3.bucket",
                  "aws.guardduty.detector")


def main() -> int:
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
    import boto3
    from _pytest.monkeypatch import MonkeyPatch
    from aws_coverage_seeds import seed_everything, trail

    from hipaacheck.pipeline import load_catalog, needed_attributes
    from hipaacheck.request import CatalogSpec
    from hipaacheck.sources.aws.context import AwsOptions
    from hipaacheck.sources.aws.source import AwsSource

    _, _, active = load_catalog(CatalogSpec(profile="hipaa-aws"), "hipaa-aws")
    wanted = needed_attributes(active, "aws")
    patch = MonkeyPatch()
    with moto_server() as endpoint:
        os.environ["AWS_ENDPOINT_URL"] = endpoint
        session = boto3.Session(region_name=REGION)
        trail(session, patch, log_group=True)
        seed_everything(session, patch)
        del os.environ["AWS_ENDPOINT_URL"]
        print(f"{'type':36} {'resources':>9} {'calls':>6} {'per resource':>12}  calls by operation")
        for rtype in NEW_TYPES + EXTENDED_TYPES:
            source = AwsSource(AwsOptions(regions=[REGION], endpoint_url=endpoint, max_workers=4))
            inventory = source.collect({rtype}, attributes={rtype: wanted.get(rtype)})
            count = len(inventory.resources)
            calls = source.context.call_count()
            ops = ", ".join(f"{op} {n}" for op, n in sorted(source.context.calls_by_operation.items()))
            print(f"{rtype:36} {count:9d} {calls:6d} {calls / max(count, 1):12.2f}  {ops}"
                  + (f"  ERRORS {len(inventory.errors)}" if inventory.errors else ""))
    patch.undo()
    return 0


if __name__ == "__main__":
    sys.exit(main())
