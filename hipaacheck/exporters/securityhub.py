"""``--securityhub-import``: send ASFF findings to Security Hub in batches of 100 (the API's limit)."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ..results import Results
    from ..sources import SourceSpec

BATCH_SIZE = 100


@dataclass
class ImportReport:
    batches: int = 0
    imported: int = 0
    failed: list[dict[str, Any]] = field(default_factory=list)  # {Id, ErrorCode, ErrorMessage}


def batch_import(client: Any, findings: list[dict[str, Any]], batch_size: int = BATCH_SIZE) -> ImportReport:
    """Call ``batch_import_findings`` once per batch; a rejected finding is reported, not fatal."""
    report = ImportReport()
    for start in range(0, len(findings), batch_size):
        batch = findings[start:start + batch_size]
        answer = client.batch_import_findings(Findings=batch)
        report.batches += 1
        report.imported += int(answer.get("SuccessCount", 0))
        report.failed.extend(answer.get("FailedFindings") or [])
    return report


def import_results(results: Results, aws: SourceSpec) -> ImportReport:
    """Connect with the given AWS options and import every finding under the caller's account."""
    from ..formats.asff import to_asff
    from ..sources.aws.context import AwsContext, AwsOptions

    ctx = AwsContext.connect(AwsOptions.from_values(aws.options))
    region = ctx.options.regions[0] if ctx.options.regions else ctx.default_region
    client = ctx.client("securityhub", region)
    return batch_import(client, to_asff(results, account=ctx.account, region=region))
