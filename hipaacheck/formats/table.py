"""A readable terminal table: failures and errors first (most severe first), passes after."""
from __future__ import annotations

from ..model import SEVERITY_RANK
from ..results import Results
from .interface import WholeFormat

STATUS_ORDER = {"fail": 0, "error": 1, "manual": 2, "waived": 3, "skip": 4, "pass": 5}
MAX_MESSAGE = 90


def _short(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


class TableFormat(WholeFormat):
    name = "table"
    filename = "hipaacheck.txt"

    def render(self, results: Results) -> str:
        from tabulate import tabulate

        findings = sorted(results.findings,
                          key=lambda f: (STATUS_ORDER[f.status], -SEVERITY_RANK[f.severity], f.sort_key))
        rows = []
        for f in findings:
            resource = f.resource.get("id", "")
            if f.resource.get("item"):
                resource += f" [{f.resource['item']}]"
            if f.resource.get("region"):
                resource += f" ({f.resource['region']})"
            rows.append([f.status.upper(), f.severity, f.control_id, _short(resource, 48),
                         _short(f.message, MAX_MESSAGE)])
        # every cell is text: number parsing (most of tabulate's time) would only right-align numeric ids
        table = tabulate(rows, headers=["STATUS", "SEVERITY", "CONTROL", "RESOURCE", "DETAIL"], tablefmt="simple",
                         disable_numparse=True)
        return table + "\n"
