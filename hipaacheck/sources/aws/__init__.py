"""The AWS source (``--source aws``): boto3 collectors, one per resource type, across regions.

Each module in this package registers collectors with :func:`.registry.aws_collector`. A
collector lists one resource type in one region (or once, for global services)
with paginators, and reads per-resource settings through :meth:`AwsContext.read`,
which records a failed read as an unreadable attribute instead of raising, so
the affected checks report ``error``, never ``pass``. A collector that cannot
list at all raises; the source records a :class:`CollectionError` for that type
and region and carries on with everything else.
The implementation is in :mod:`.source`; this module only declares the source.
"""
from __future__ import annotations

from .. import SourceInfo, SourceOption
from ..option_types import positive_count, positive_seconds

# An Organization's accounts in one scan (implemented in .accounts)
ACCOUNTS_OPTIONS = (
    SourceOption("--accounts", "aws: scan these accounts of the Organization: 'all' (its ACTIVE accounts, listed "
                               "from the management or a delegated administrator account) or ID,ID,...",
                 metavar="all|ID,..."),
    SourceOption("--org-role", "aws: with --accounts, the role NAME to assume in each member account",
                 metavar="NAME"),
    SourceOption("--skip-accounts", "aws: with --accounts, account ids not to scan", metavar="ID,..."),
    SourceOption("--account-workers", "aws: with --accounts, accounts scanned at once (default: 1; each "
                                      "keeps its own --max-workers)", type=positive_count, default=1, metavar="N"),
    SourceOption("--shard", "aws: with --accounts, scan only slice I of N of the sorted account list; "
                            "auto/N takes I from JOB_COMPLETION_INDEX (Kubernetes Indexed Jobs)",
                 metavar="I/N|auto/N"),
)

SOURCE = SourceInfo(
    name="aws",
    help="an AWS account through boto3's credential chain",
    factory="hipaacheck.sources.aws.source:build",
    families=("aws",),
    default_profile="hipaa-aws",
    options=(
        SourceOption("--regions", "aws: comma-separated regions (default: the account's enabled regions)"),
        SourceOption("--endpoint-url", "aws: endpoint for every client (AWS_ENDPOINT_URL is honoured too)"),
        SourceOption("--aws-profile", "aws: named profile from the shared config"),
        SourceOption("--role-arn", "aws: role to assume before collecting"),
        SourceOption("--external-id", "aws: external id for --role-arn and --org-role", secret=True),
        SourceOption("--max-workers", "aws: concurrent API workers (default: 8)", type=positive_count, default=8),
        SourceOption("--max-attempts", "aws: attempts per call, adaptive retry (default: 8)", type=positive_count, default=8),
        SourceOption("--connect-timeout", "aws: seconds (default: 5)", type=positive_seconds, default=5.0),
        SourceOption("--read-timeout", "aws: seconds (default: 30)", type=positive_seconds, default=30.0),
        SourceOption("--deadline", "aws: make no API call after this many seconds; what was not collected is "
                                   "reported as error findings (for unattended scans)", type=positive_seconds,
                     metavar="SECONDS"),
        *ACCOUNTS_OPTIONS,
    ),
)
