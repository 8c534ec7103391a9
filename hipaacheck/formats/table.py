"""A readable terminal table: failing and error findings (most severe first), a summary, the verdict.

Passing, skipped, waived and manual findings are counted, not listed, unless ``show_passed``
(``--show-passed``). Laid out as tabulate's "simple" format (columns two spaces apart, headers padded by
two, a dashed rule, no trailing blanks), written row by row: at 100k findings tabulate held several copies
of every cell.
"""
from __future__ import annotations

from collections import Counter, defaultdict
from typing import BinaryIO, Iterator

from ..model import SEVERITIES, Finding, Status, attention_key, service_of_type
from ..results import Results, verdict_of
from ..text import one_line
from .common import safeguards_of
from .interface import OutputFormat
from .targets import TargetView, several_targets, target_views

HEADERS = ("STATUS", "SEVERITY", "CONTROL", "RESOURCE", "REGION", "ACCOUNT", "DETAIL")
OPTIONAL = ("REGION", "ACCOUNT")  # shown only when some finding has one
GAP = "  "
TALLY_MAX = 8  # groups named in a summary line
LISTED = (Status.FAIL.value, Status.ERROR.value)  # listed by default: what blocks and what could not be seen
# How columns give way to fit the terminal, (column, narrowest) in turn: with the detail beside the row,
# then with the detail on a line below it.
BESIDE = (("RESOURCE", 48), ("DETAIL", 40), ("RESOURCE", 40), ("DETAIL", 30), ("RESOURCE", 28))
BELOW_STEPS = (("RESOURCE", 16), ("CONTROL", 15))
BELOW = "    "  # indent of the detail line when the detail cannot fit beside the row


def _flat(text: str) -> str:
    """One line, control characters escaped: a scanned file's name cannot drive the terminal."""
    return one_line(" ".join(str(text).split()))


def cut_end(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def cut_middle(text: str, limit: int) -> str:
    """Keep both ends: resource names differ at their start or their end (prod-db-1, prod-db-2)."""
    if len(text) <= limit:
        return text
    head = (limit - 1) // 2
    return text[:head] + "…" + text[len(text) - (limit - 1 - head):]


def short_name(resource_id: str) -> str:
    """An ARN's resource part without its type prefix (``db:prod`` → ``prod``, ``user/ops/bob`` → ``ops/bob``);
    any other id as it is."""
    parts = resource_id.split(":", 5)
    if len(parts) < 6 or parts[0] != "arn":
        return resource_id
    resource = parts[5]
    for sep in (":", "/"):
        kind, found, rest = resource.partition(sep)
        if found and rest and "/" not in kind and ":" not in kind:
            return rest
    return resource


def region_and_account(finding: Finding) -> tuple[str, str]:
    """(region, account): the resource's, else those in its ARN."""
    r = finding.resource
    parts = str(r.get("id", "")).split(":", 5)
    arn = len(parts) == 6 and parts[0] == "arn"
    return (str(r.get("region") or (parts[3] if arn else "")), str(r.get("account") or (parts[4] if arn else "")))


def _row(finding: Finding, wide: bool = False) -> tuple[str, ...]:
    rid = str(finding.resource.get("id", ""))
    name = rid if wide else short_name(rid)
    if finding.resource.get("item"):
        name += f" [{finding.resource['item']}]"
    region, account = region_and_account(finding)
    cells = (finding.status.upper(), finding.severity, finding.control_id, name, region, account, finding.message)
    return tuple(_flat(cell) for cell in cells)  # every cell: a host's name or an account slot comes from the target


def _over(widths: dict[str, int], limit: int) -> int:
    return sum(widths.values()) + len(GAP) * (len(widths) - 1) - limit


def _shrink(widths: dict[str, int], steps: tuple[tuple[str, int], ...], limit: int) -> dict[str, int]:
    for column, floor in steps:
        if column in widths:
            widths[column] = max(min(floor, widths[column]), widths[column] - max(0, _over(widths, limit)))
    return widths


def fit(widths: dict[str, int], limit: int | None) -> tuple[dict[str, int], bool]:
    """Column widths that fit a row in ``limit`` characters, and whether DETAIL goes on a line of its own below
    the row. DETAIL and RESOURCE give way in turns; when the row still does not fit, DETAIL moves below it
    and RESOURCE and CONTROL give way further (resource names keep both ends, so rows stay told apart)."""
    if limit is None:
        return dict(widths), False
    beside = _shrink(dict(widths), BESIDE, limit)
    if _over(beside, limit) <= 0:
        return beside, False
    below = _shrink({k: v for k, v in widths.items() if k != "DETAIL"}, BELOW_STEPS, limit)
    below["DETAIL"] = max(BESIDE[-1][1], min(widths["DETAIL"], limit - len(BELOW)))
    return below, True


def terminal_width() -> int:
    """``COLUMNS`` when set, else the terminal's width, else 160 (a CI log or a pipe)."""
    import shutil

    return shutil.get_terminal_size((160, 24)).columns


def service_of(finding: Finding) -> str:
    return service_of_type(str(finding.resource.get("type", "")))


def _tally(counts: dict[str, Counter[str]], label: str) -> str:
    """``By service: s3 4 fail 1 error, iam 2 fail``, the largest first, at most TALLY_MAX groups."""
    ranked = sorted(counts.items(), key=lambda kv: (-sum(kv[1].values()), kv[0]))
    parts = [f"{key} " + " ".join(f"{by[s]} {s}" for s in LISTED if by[s]) for key, by in ranked[:TALLY_MAX]]
    more = f", and {len(ranked) - TALLY_MAX} more" if len(ranked) > TALLY_MAX else ""
    return f"{label}: " + ", ".join(parts) + more


def summary_lines(results: Results, listed: int) -> list[str]:
    """Failing findings by severity, failing and error findings by service and by safeguard, what was not listed."""
    summary = results.summary()
    failing = summary["failing_by_severity"]
    lines = ["Failing by severity: " + ", ".join(f"{sev} {failing[sev]}" for sev in SEVERITIES)]
    by_service: dict[str, Counter[str]] = defaultdict(Counter)
    by_safeguard: dict[str, Counter[str]] = defaultdict(Counter)
    for finding in results.findings:
        if finding.status in LISTED:
            by_service[service_of(finding)][finding.status] += 1
            for safeguard in safeguards_of(finding.citations):
                by_safeguard[safeguard][finding.status] += 1
    if by_service:
        lines.append(_tally(by_service, "By service"))
    if by_safeguard:
        lines.append(_tally(by_safeguard, "By safeguard"))
    hidden = summary["total"] - listed
    if hidden:
        counts = summary["by_status"]
        parts = ", ".join(f"{counts[s.value]} {s.value}" for s in Status if s.value not in LISTED and counts[s.value])
        lines.append(f"Not listed: {parts} (--show-passed lists them)")
    return lines


class TableFormat(OutputFormat):
    """``width``: fit rows to that many characters (the console passes the terminal's); ``None`` (a file) and
    ``wide`` never cut. ``wide`` also shows full resource ids instead of short names."""

    name = "table"
    filename = "hipaacheck.txt"

    def __init__(self, pretty: bool = False, show_passed: bool = False, width: int | None = None,
                 wide: bool = False, max_rows: int | None = None) -> None:
        super().__init__(pretty, show_passed)
        self.width = None if wide else width
        self.wide = wide
        self.max_rows = max_rows or None  # the console's cap (--max-rows); a file lists every finding

    def write(self, results: Results, out: BinaryIO) -> None:
        for line in self.body(results):
            out.write((line + "\n").encode("utf-8"))
        out.write((verdict_of(results).line + "\n").encode("utf-8"))

    def body(self, results: Results) -> Iterator[str]:
        """The table and its summary, line by line (the verdict follows them)."""
        chosen = results.findings if self.show_passed else [f for f in results.findings if f.status in LISTED]
        ordered = sorted(chosen, key=attention_key)
        rows = [_row(f, self.wide) for f in ordered[:self.max_rows]]
        if rows:
            shown = [i for i, header in enumerate(HEADERS) if header not in OPTIONAL or any(row[i] for row in rows)]
            natural = {HEADERS[i]: max([len(HEADERS[i]) + 2, *(len(row[i]) for row in rows)]) for i in shown}
            widths, below = fit(natural, self.width)
            beside = [i for i in shown if not (below and HEADERS[i] == "DETAIL")]
            cutters = {"RESOURCE": cut_middle, "CONTROL": cut_middle}

            def cell(cells: tuple[str, ...], i: int) -> str:
                width = widths[HEADERS[i]]
                return cutters.get(HEADERS[i], cut_end)(cells[i], width).ljust(width)

            def line(cells: tuple[str, ...]) -> str:
                return GAP.join(cell(cells, i) for i in beside).rstrip()

            yield line(HEADERS)
            yield GAP.join("-" * widths[HEADERS[i]] for i in beside)
            detail = HEADERS.index("DETAIL")
            for row in rows:
                yield line(row)
                if below:
                    yield BELOW + cell(row, detail).rstrip()
            if len(ordered) > len(rows):
                yield f"... and {len(ordered) - len(rows)} more: {len(rows)} of {len(ordered)} findings listed " \
                      "(--max-rows 0 lists all; reports written to files hold every finding)"
            yield ""
        yield from summary_lines(results, len(ordered))
        if several_targets(results):
            yield ""
            yield from (_target_line(view) for view in target_views(results))


def _target_line(view: TargetView) -> str:
    """``AWS account 1234 (clinic): scanned: 2 fail, 3 pass``: one target's status and counts."""
    counts = ", ".join(f"{n} {status}" for status, n in view.counts().items() if n) or "no findings"
    status = f": {view.target.status}" if view.target else ""
    reason = f" ({cut_end(_flat(view.target.reason), 90)})" if view.target and view.target.reason else ""
    return f"{_flat(view.title)}{status}{reason}: {counts}"
