"""A self-contained HTML report for auditors and compliance officers (Jinja2, autoescaped).

Sections follow the Security Rule: safeguard → paragraph (citation, title,
required/addressable) → controls → findings with observed values and remediation.
Everything (CSS, the status filter script, the trend chart) is inline; no
external fetch, so the file opens the same offline, in a mail client or an archive.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any, BinaryIO

from ..model import SEVERITIES
from ..results import Results, verdict_of
from ..security_rule import security_rule
from .common import (SAFEGUARD_ORDER, STATUS_ORDER, ControlView, compact_json, control_views, paragraph,
                     resource_label, tool_version)
from .interface import OutputFormat
from .people import people_view

TEMPLATE = "report.html.j2"
FLUSH_AT = 1 << 20  # characters of template output gathered before one write
SAFEGUARD_SECTIONS = {"administrative": "164.308", "physical": "164.310", "technical": "164.312",
                      "organizational": "164.314", "documentation": "164.316"}


@dataclass
class ParagraphView:
    citation: str
    title: str
    kind: str
    designation: str
    controls: list[ControlView] = field(default_factory=list)


@dataclass
class SafeguardView:
    name: str
    section: str
    paragraphs: list[ParagraphView] = field(default_factory=list)


def safeguard_views(views: list[ControlView]) -> list[SafeguardView]:
    """Controls under each paragraph they cite, paragraphs in catalog order, grouped by safeguard."""
    by_citation: dict[str, list[ControlView]] = {}
    unknown: list[ControlView] = []
    for view in views:
        cited = [p for p in map(paragraph, view.citations) if p is not None]
        for para in cited:
            by_citation.setdefault(para.citation, []).append(view)
        if not cited:
            unknown.append(view)
    groups: dict[str, SafeguardView] = {}
    for para in security_rule():
        if para.citation not in by_citation:
            continue
        group = groups.setdefault(para.safeguard, SafeguardView(para.safeguard, SAFEGUARD_SECTIONS.get(para.safeguard, "")))
        group.paragraphs.append(ParagraphView(para.citation, para.title, para.kind, para.designation,
                                              by_citation[para.citation]))
    ordered = [groups[name] for name in SAFEGUARD_ORDER if name in groups]
    ordered += [groups[name] for name in sorted(groups) if name not in SAFEGUARD_ORDER]
    if unknown:
        ordered.append(SafeguardView("other", "", [ParagraphView("-", "Controls without a catalogued citation",
                                                                 "standard", "n/a", unknown)]))
    return ordered


def trend_chart(rows: list[dict[str, Any]], width: int = 640, height: int = 150) -> dict[str, Any] | None:
    """Coordinates for an inline SVG: pass-rate line and new-failure bars, oldest left."""
    points = [r for r in rows if isinstance(r, dict) and isinstance(r.get("pass_rate"), (int, float))]
    if not points:
        return None
    scale = 100.0 if any(r["pass_rate"] > 1 for r in points) else 1.0
    pad_left, pad_right, pad_top, pad_bottom = 40, 36, 12, 28
    inner_w, inner_h = width - pad_left - pad_right, height - pad_top - pad_bottom
    step = inner_w / max(len(points) - 1, 1)
    most = max([int(r.get("new_failures") or 0) for r in points] + [1])
    out = []
    for i, r in enumerate(points):
        x = pad_left + (i * step if len(points) > 1 else inner_w / 2)
        rate = max(0.0, min(1.0, r["pass_rate"] / scale))
        bar = inner_h * 0.4 * int(r.get("new_failures") or 0) / most
        out.append({"x": round(x, 1), "y": round(pad_top + inner_h * (1 - rate), 1), "rate": round(rate * 100, 1),
                    "bar_y": round(pad_top + inner_h - bar, 1), "bar_h": round(bar, 1),
                    "new_failures": int(r.get("new_failures") or 0), "label": str(r.get("run_at", ""))[:10]})
    return {"width": width, "height": height, "points": out, "left": pad_left, "right": width - pad_right,
            "top": pad_top, "bottom": pad_top + inner_h,
            "polyline": " ".join(f"{p['x']},{p['y']}" for p in out)}


def _list(value: Any) -> str:
    if isinstance(value, (list, tuple)):
        return ", ".join(str(v) for v in value) if value else "-"
    return "-" if value in (None, "") else str(value)


def coverage_rows(rows: Any) -> list[dict[str, str]]:
    out = []
    for row in rows if isinstance(rows, list) else []:
        if not isinstance(row, dict):
            continue
        status = row.get("status") or row.get("gap") or ""
        if isinstance(status, bool):
            status = "gap" if status else "covered"
        out.append({"citation": _list(row.get("citation")), "title": _list(row.get("title")),
                    "designation": _list(row.get("designation")), "controls": _list(row.get("controls")),
                    "attestations": _list(row.get("attestations")), "status": str(status or "-")})
    return out


def evidence_items(evidence: dict[str, Any]) -> list[tuple[str, str]]:
    return [(str(k), v if isinstance(v, str) else compact_json(v)) for k, v in sorted(evidence.items())]


class HtmlFormat(OutputFormat):
    name = "html"
    filename = "hipaacheck-report.html"

    def write(self, results: Results, out: BinaryIO) -> None:
        """Stream the template's output, a megabyte at a time."""
        import jinja2

        from ..content import content_dir

        env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(content_dir("reports"))), autoescape=True,
                                 undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True)
        env.filters["evidence_items"] = evidence_items
        env.filters["resource_label"] = resource_label
        views = control_views(results)
        control_status = dict.fromkeys(STATUS_ORDER, 0)
        for view in views:
            if view.findings:
                control_status[view.status] += 1
        safeguards = safeguard_views([v for v in views if v.findings or v.meta])
        uses = Counter(c.id for group in safeguards for para in group.paragraphs for c in para.controls)
        chunks = env.get_template(TEMPLATE).generate(
            run=results.run, target=results.run.get("target") or {}, summary=results.summary(), statuses=STATUS_ORDER,
            severities=SEVERITIES, control_status=control_status, verdict=verdict_of(results).line, safeguards=safeguards,
            coverage=coverage_rows(results.extra.get("coverage")), trend=trend_chart(results.extra.get("trend") or []),
            version=tool_version(), waiver_of=lambda f: f.extra.get("waiver") or {}, once=Once(uses),
            people=people_view(results.findings),
        )
        pending: list[str] = []
        size = 0
        for chunk in chunks:
            pending.append(chunk)
            size += len(chunk)
            if size >= FLUSH_AT:
                out.write("".join(pending).encode("utf-8"))
                pending, size = [], 0
        out.write("".join(pending).encode("utf-8"))


class Once:
    """``{% call once(key) %}...{% endcall %}`` renders its block the first time a key is seen and repeats
    that markup for its other uses, then lets it go: a control shows up, with all its findings, under each
    paragraph it cites."""

    def __init__(self, uses: Counter[str]) -> None:
        self.left = uses
        self.rendered: dict[str, Any] = {}

    def __call__(self, key: str, caller: Any) -> Any:
        markup = self.rendered.pop(key, None)
        if markup is None:
            markup = caller()
        self.left[key] -= 1
        if self.left[key] > 0:
            self.rendered[key] = markup
        return markup
