"""Option groups shared by several subcommands."""
from __future__ import annotations

import argparse
from pathlib import Path

from ..model import SEVERITIES


def add_source_options(parser: argparse.ArgumentParser, with_source: bool = True) -> None:
    group = parser.add_argument_group("source")
    if with_source:
        group.add_argument("--source", choices=("host", "aws", "snapshot"), default="host",
                           help="what to scan (default: host)")
    group.add_argument("--root", type=Path, default=Path("/"), help="host: root folder to scan (default: /)")
    group.add_argument("--inventory", type=Path, help="snapshot: inventory JSON written by 'collect'")
    group.add_argument("--regions", help="aws: comma-separated regions (default: the account's enabled regions)")
    group.add_argument("--endpoint-url", help="aws: endpoint for every client (AWS_ENDPOINT_URL is honoured too)")
    group.add_argument("--aws-profile", help="aws: named profile from the shared config")
    group.add_argument("--role-arn", help="aws: role to assume before collecting")
    group.add_argument("--external-id", help="aws: external id for --role-arn")
    group.add_argument("--max-workers", type=int, default=8, help="aws: concurrent API workers (default: 8)")
    group.add_argument("--max-attempts", type=int, default=8, help="aws: attempts per call, adaptive retry (default: 8)")
    group.add_argument("--connect-timeout", type=float, default=5.0, help="aws: seconds (default: 5)")
    group.add_argument("--read-timeout", type=float, default=30.0, help="aws: seconds (default: 30)")


def add_catalog_options(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("controls")
    group.add_argument("--profile", help="profile name or YAML path (default: hipaa-host, or hipaa-aws for --source aws)")
    group.add_argument("--checks-dir", type=Path, action="append", default=[], help="load extra checks from DIR")
    group.add_argument("--controls-dir", type=Path, action="append", default=[], help="load extra controls from DIR")


def add_output_options(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("output")
    group.add_argument("--format", default="table", help="comma-separated formats (default: table)")
    group.add_argument("--output-dir", type=Path, help="write each format to a file in DIR")
    group.add_argument("--fail-on", choices=SEVERITIES, default="low",
                       help="lowest severity whose failure exits 1 (default: low)")
    group.add_argument("--quiet", "-q", action="store_true", help="print nothing but results")
