"""The per-target breakdown every format shows when results cover several targets (accounts, hosts...).

Results of one target render as before; with several, formats group findings by :attr:`Finding.target`
(findings of no target, such as attestations, are the run's: key ``None``, last).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterable

from ..model import Finding, count_by_status
from ..results import Results
from ..targets import Target

KIND_TITLES = {"aws-account": "AWS account", "host": "Host", "ssh": "SSH host", "image": "Image"}


@dataclass
class TargetView:
    """One target (None: the run itself) and its findings, in results order."""

    target: Target | None
    findings: list[Finding] = field(default_factory=list)

    @property
    def key(self) -> str | None:
        return self.target.key if self.target else None

    @property
    def title(self) -> str:
        if self.target is None:
            return "Across the run (not of one target)"
        kind = KIND_TITLES.get(self.target.kind, self.target.kind)
        name = f" ({self.target.name})" if self.target.name != self.target.id else ""
        return f"{kind} {self.target.id}{name}"

    def counts(self) -> dict[str, int]:
        return count_by_status(self.findings)

    def notable(self) -> list[Finding]:
        """Its findings that need a look (not passes or skips), worst first."""
        from .common import sort_findings

        return sort_findings([f for f in self.findings if f.status not in ("pass", "skip")])


def several_targets(results: Results) -> bool:
    return len(results.targets) > 1


def target_views(results: Results, findings: Iterable[Finding] | None = None) -> list[TargetView]:
    """A view per target in ``results.targets`` order (even one with no finding), then the run's own."""
    views = {t.key: TargetView(t) for t in results.targets}
    run = TargetView(None)
    for finding in results.findings if findings is None else findings:
        views.get(finding.target or "", run).findings.append(finding)
    return [*views.values(), *([run] if run.findings else [])]
