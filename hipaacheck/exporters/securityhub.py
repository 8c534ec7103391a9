"""``--securityhub-import``: send ASFF findings to Security Hub in batches of 100 (the API's limit).

Security Hub takes a finding under the default product only from the account it names (``AwsAccountId``):
the caller's findings go to the caller's hub, and an Organization scan's member findings to each member's
hub, through the ``--org-role`` the scan assumed there. Findings of an account that cannot be reached are
reported as not imported, with the reason, and the other accounts go on.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Callable

if TYPE_CHECKING:
    from ..results import Results
    from ..sources import SourceSpec

BATCH_SIZE = 100


@dataclass
class ImportReport:
    batches: int = 0
    imported: int = 0
    failed: list[dict[str, Any]] = field(default_factory=list)  # {Id, ErrorCode, ErrorMessage}
    unreached: dict[str, tuple[int, str]] = field(default_factory=dict)  # account -> (findings, why not imported)


def batch_import(client: Any, findings: list[dict[str, Any]], batch_size: int = BATCH_SIZE,
                 report: ImportReport | None = None) -> ImportReport:
    """Call ``batch_import_findings`` once per batch, counting into ``report``; a rejected finding is
    reported, not fatal (a refused call raises, with the batches before it counted)."""
    report = report if report is not None else ImportReport()
    for start in range(0, len(findings), batch_size):
        batch = findings[start:start + batch_size]
        answer = client.batch_import_findings(Findings=batch)
        report.batches += 1
        report.imported += int(answer.get("SuccessCount", 0))
        report.failed.extend(answer.get("FailedFindings") or [])
    return report


def import_results(results: Results, aws: SourceSpec) -> ImportReport:
    """Connect with the given AWS options and import each finding into the hub of the account it names."""
    from botocore.exceptions import BotoCoreError, ClientError

    from ..formats.asff import to_asff
    from ..sources.aws.context import AwsContext, AwsOptions, describe_error

    caller = AwsContext.connect(AwsOptions.from_values(aws.options))
    try:
        region = caller.options.regions[0] if caller.options.regions else caller.default_region
        by_account: dict[str, list[dict[str, Any]]] = {}
        for finding in to_asff(results, account=caller.account, region=region):
            by_account.setdefault(finding["AwsAccountId"], []).append(finding)
        reach = member_contexts(caller, aws)
        report = ImportReport()
        for account, findings in sorted(by_account.items()):
            try:
                ctx = caller if account == caller.account else reach(account)
            except Unreachable as exc:
                report.unreached[account] = (len(findings), str(exc))
                continue
            before = report.imported
            try:
                batch_import(ctx.client("securityhub", region), findings, report=report)
            except (BotoCoreError, ClientError) as exc:  # a hub not enabled, the import denied: this account only
                code, message, _ = describe_error(exc)
                report.unreached[account] = (len(findings) - (report.imported - before),
                                             f"securityhub:BatchImportFindings: {code}: {message}")
            finally:
                if ctx is not caller:
                    ctx.close()
        return report
    finally:
        caller.close()


class Unreachable(Exception):
    """An account whose hub the caller cannot import into."""


def member_contexts(caller: Any, aws: SourceSpec) -> Callable[[str], Any]:
    """How to reach another account's hub: a context through the Organization scan's ``--org-role``;
    :class:`Unreachable` without one, or when the role cannot be assumed."""
    from ..sources.aws.accounts import Account, build_accounts
    from ..sources.aws.context import describe_error

    if not (aws.options.get("accounts") and aws.options.get("org_role")):
        def unreachable(account: str) -> Any:
            raise Unreachable(f"not the caller's account ({caller.account}); an Organization scan imports into "
                              "each member through its --org-role")

        return unreachable
    org = build_accounts(aws.options)
    sts = caller.client("sts")

    def reach(account: str) -> Any:
        try:
            return org.connect(caller, sts, Account(account, account))
        except Exception as exc:  # noqa: BLE001 - one member's refusal never stops the others
            code, message, _ = describe_error(exc)
            raise Unreachable(f"cannot assume {org.role_arn(caller, account)}: {code}: {message}") from None

    return reach
