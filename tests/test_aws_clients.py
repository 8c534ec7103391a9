"""AWS client plumbing: one client and one paginator per run, shared by threads; a connection pool
for both worker pools; timestamps parsed as botocore would, without dateutil on ISO 8601."""
from __future__ import annotations

import gc
import sys
from concurrent.futures import ThreadPoolExecutor
from datetime import timezone

import pytest
from aws_helpers import REGION

from hipaacheck.sources.aws.context import AwsContext, AwsOptions, parse_timestamp


@pytest.fixture
def ctx(aws):
    context = AwsContext.connect(AwsOptions(regions=[REGION], max_workers=8))
    yield context
    context.close()


def test_one_client_per_service_and_region_across_threads(ctx, monkeypatch):
    made: list[tuple] = []
    create = ctx.session.client

    def counting(service, **kwargs):
        made.append((service, kwargs["region_name"]))
        return create(service, **kwargs)

    monkeypatch.setattr(ctx.session, "client", counting)
    with ThreadPoolExecutor(8) as pool:
        clients = list(pool.map(lambda i: ctx.client("s3", "eu-west-1" if i % 2 else None), range(64)))
    assert sorted(made) == [("s3", "eu-west-1"), ("s3", REGION)]
    assert len({id(c) for c in clients}) == 2 and ctx.client("s3", REGION) is ctx.client("s3")
    assert ctx.paginator("iam", None, "list_users") is ctx.paginator("iam", REGION, "list_users")


def test_connection_pool_serves_both_worker_pools(ctx):
    assert ctx.client("s3").meta.config.max_pool_connections >= 2 * ctx.options.max_workers


def test_service_models_are_frozen_out_of_the_collector_s_way_until_close(aws):
    context = AwsContext.connect(AwsOptions(regions=[REGION]))
    context.client("ec2")
    assert gc.get_freeze_count() > 0
    context.close()
    assert gc.get_freeze_count() == 0


@pytest.mark.parametrize("value", ["2026-01-02T03:04:05.678Z", "2026-01-02T03:04:05Z", "2026-01-02T03:04:05+02:00",
                                   "2026-01-02T03:04:05", "Fri, 02 Jan 2026 03:04:05 GMT", 1767323045, "1767323045.5"])
def test_timestamps_parse_as_botocore_parses_them(value):
    from botocore.utils import parse_timestamp as botocore_parse

    ours, theirs = parse_timestamp(value), botocore_parse(value)
    assert ours == theirs and ours.isoformat() == theirs.isoformat() and ours.utcoffset() == theirs.utcoffset()


@pytest.mark.skipif(sys.version_info < (3, 11), reason="fromisoformat reads 'Z' from Python 3.11")
def test_clients_parse_listing_dates_with_it(ctx, aws):
    aws.client("iam").create_user(UserName="nurse")
    (user,) = ctx.client("iam").list_users()["Users"]
    assert user["CreateDate"].tzinfo is timezone.utc  # the standard library's, not dateutil's tzutc()
