"""``hipaacheck aws-policy [--profile P]``: the read-only IAM policy a scan with that profile needs."""
from __future__ import annotations

import argparse
import sys

from .options import add_catalog_options
from ..jsonenc import dumps_text


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser("aws-policy", help="print the least-privilege IAM policy an AWS scan needs",
                            description="Print the read-only IAM policy JSON that a scan with the profile's "
                                        "controls needs, derived from the API calls of the collectors they "
                                        "read: attach it to the role in each account scanned.")
    add_catalog_options(parser)
    parser.add_argument("--org-role", metavar="NAME",
                        help="also allow the scanning identity to list the Organization's accounts and to "
                             "assume role NAME in each (for scan --accounts)")
    parser.add_argument("--securityhub-import", action="store_true",
                        help="also allow importing findings into the account's own Security Hub (for scan "
                             "--securityhub-import: attach to each member's role too)")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from ..pipeline import load_catalog, needed_types
    from ..sources.aws.accounts import AccountsOptions
    from ..sources.aws.policy import read_only_policy
    from .request import catalog_spec

    if args.org_role:
        AccountsOptions.from_values({"accounts": "all", "org_role": args.org_role})  # a role name, or exit 2
    spec = catalog_spec(args)
    _, _, active = load_catalog(spec, spec.profile or "hipaa-aws")
    policy = read_only_policy(needed_types(active, "aws"), args.org_role, args.securityhub_import)
    sys.stdout.write(dumps_text(policy, pretty=True) + "\n")
    return 0
