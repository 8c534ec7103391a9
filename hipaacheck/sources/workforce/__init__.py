"""The workforce source: the HR roster (``--workforce FILE``) joined with the accounts the scan found
(auxiliary, beside any main source).

It reads the IAM users and host accounts of the main inventory (declared in ``joins``, so the main source
collects them even when no other selected control reads them) and produces ``workforce.person`` (one per
roster row) and ``workforce.accounts`` (one per scanned target). Names and e-mail never leave the roster
loader (:mod:`hipaacheck.workforce`).
"""
from __future__ import annotations

from pathlib import Path

from .. import SourceInfo, SourceOption

SOURCE = SourceInfo(
    name="workforce",
    help="workforce roster joined with the scanned accounts (auxiliary: collected beside any source)",
    factory="hipaacheck.sources.workforce.source:build",
    families=("workforce",),
    default_profile="hipaa-workforce",
    options=(SourceOption("--workforce", "workforce roster, CSV or YAML (hire, training and termination dates, "
                                         "accounts); without it the workforce controls skip",
                          type=Path, metavar="FILE"),),
    auxiliary=True,
    collectable=False,
    joins={"aws.iam.user": ("name", "console_access", "access_keys", "groups"),
           "host.accounts": ("users", "passwords", "groups", "authorized_keys")},
)
