"""A self-contained HTML report for triage (Jinja2, autoescaped; CSS, script and chart inline, no fetch).

The page holds: the verdict under the gate; a summary by status, severity, service and safeguard, with the
pass-rate trend when history is given; drift against a baseline; waivers (and the stale and expired ones);
attestations with their due dates; one flat findings table, sortable, with a search box and filters
(status, severity, service, region, account/target, citation, drift) whose counts follow the filters; the
Security Rule paragraphs, which link to their controls and findings instead of repeating them; and each
control once, with its remediation.

The findings travel as one compact JSON document in a ``<script type="application/json">`` element (ids
of controls, not their text, per finding; observed values for findings that did not pass) that the page's
script renders a page of rows at a time: a 3,000-resource account stays a few megabytes and opens fast.
"""
from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any, BinaryIO

from ..jsonenc import dumps_text
from ..model import SEVERITIES, Finding, service_of_type
from ..results import Results, recorded_gate, verdict_of
from ..security_rule import security_rule
from .common import (SAFEGUARD_ORDER, STATUS_ORDER, ControlView, compact_json, control_views, paragraph,
                     resource_label, safeguards_of, tool_version)
from .interface import OutputFormat
from .people import people_view
from .table import region_and_account, service_of, short_name
from .targets import several_targets, target_views

TEMPLATE = "report.html.j2"
FLUSH_AT = 1 << 20  # characters of template output gathered before one write
SAFEGUARD_SECTIONS = {"administrative": "164.308", "physical": "164.310", "technical": "164.312",
                      "organizational": "164.314", "documentation": "164.316"}
# Characters that could end the JSON's <script> element or start markup, written as JSON escapes.
SCRIPT_SAFE = str.maketrans({"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "\u2028": "\\u2028", "\u2029": "\\u2029"})


@dataclass
class ParagraphView:
    citation: str
    title: str
    kind: str
    designation: str
    controls: list[ControlView] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        total: Counter[str] = Counter()
        for control in self.controls:
            total.update(control.counts())
        return {s: total[s] for s in STATUS_ORDER if total[s]}


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


def target_of(finding: Finding, run_target: dict[str, Any]) -> str:
    """The account a finding belongs to (its resource's, else its ARN's), else the run's host or account."""
    return region_and_account(finding)[1] or str(run_target.get("account") or run_target.get("host") or "")


def _label(finding: Finding) -> str:
    name = short_name(str(finding.resource.get("id", "")))
    return f"{name} [{finding.resource['item']}]" if finding.resource.get("item") else name


def _location(finding: Finding) -> str:
    loc = finding.location
    if not loc or not loc.path:
        return ""
    return f"{loc.path}:{loc.line}" if loc.line else loc.path


def findings_data(results: Results, views: list[ControlView]) -> dict[str, Any]:
    """The compact document the findings table renders from: controls once, findings as rows of ids."""
    run_target = results.run.get("target") or {}
    index = {view.id: i for i, view in enumerate(views)}
    controls = [[v.id, v.title, v.severity, service_of_control(v), v.citations, v.status] for v in views]
    rows = []
    for view in views:
        for f in view.findings:
            rows.append([index[view.id], f.status, f.severity, _label(f), str(f.resource.get("id", "")),
                         str(f.resource.get("region") or ""), target_of(f, run_target), f.message,
                         str(f.extra.get("drift") or ""),
                         compact_json(f.evidence) if f.evidence and f.status != "pass" else "", _location(f)])
    return {"controls": controls, "findings": rows, "statuses": list(STATUS_ORDER), "severities": list(SEVERITIES)}


def service_of_control(view: ControlView) -> str:
    rtype = str(view.meta.get("resource_type") or "")
    if rtype:
        return service_of_type(rtype)
    return service_of(view.findings[0]) if view.findings else ""


def summaries(results: Results, views: list[ControlView]) -> dict[str, Any]:
    """Counts by status for each service and each safeguard, and failing findings by severity."""
    by_service: dict[str, Counter[str]] = defaultdict(Counter)
    by_safeguard: dict[str, Counter[str]] = defaultdict(Counter)
    for view in views:
        service = service_of_control(view)
        for f in view.findings:
            by_service[service][f.status] += 1
            for safeguard in safeguards_of(f.citations):
                by_safeguard[safeguard][f.status] += 1
    order = {name: i for i, name in enumerate(SAFEGUARD_ORDER)}
    return {"services": sorted(by_service.items(), key=lambda kv: (-kv[1]["fail"], -kv[1]["error"], kv[0])),
            "safeguards": sorted(by_safeguard.items(), key=lambda kv: order.get(kv[0], len(order)))}


def waived_rows(results: Results) -> list[dict[str, str]]:
    rows = []
    for f in results.findings:
        waiver = f.extra.get("waiver")
        if f.status == "waived" and isinstance(waiver, dict):
            rows.append({"control": f.control_id, "resource": _label(f), "justification": str(waiver.get("justification", "")),
                         "approver": str(waiver.get("approver") or waiver.get("approved_by") or "-"),
                         "ticket": str(waiver.get("ticket") or "-"), "expires": str(waiver.get("expires", "-"))})
    return sorted(rows, key=lambda r: (r["expires"], r["control"], r["resource"]))


def attestation_rows(results: Results) -> list[dict[str, str]]:
    rows = []
    for f in results.findings:
        if str(f.resource.get("type", "")).startswith("manual."):
            rows.append({"control": f.control_id, "status": f.status, "message": f.message,
                         "due": str(f.evidence.get("next_due") or "-"),
                         "overdue": str(f.evidence.get("days_overdue") or "")})
    return sorted(rows, key=lambda r: (r["due"], r["control"]))


def data_json(data: dict[str, Any]) -> str:
    return dumps_text(data).translate(SCRIPT_SAFE)


class HtmlFormat(OutputFormat):
    name = "html"
    filename = "hipaacheck-report.html"

    def write(self, results: Results, out: BinaryIO) -> None:
        """Stream the template's output, a megabyte at a time."""
        import jinja2
        from markupsafe import Markup

        from ..content import content_dir

        env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(content_dir("reports"))), autoescape=True,
                                 undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True)
        env.filters["resource_label"] = resource_label  # the per-target sections name resources as elsewhere
        views = control_views(results)
        control_status = dict.fromkeys(STATUS_ORDER, 0)
        for view in views:
            if view.findings:
                control_status[view.status] += 1
        extra = results.extra
        chunks = env.get_template(TEMPLATE).generate(
            run=results.run, target=results.run.get("target") or {}, summary=results.summary(), statuses=STATUS_ORDER,
            severities=SEVERITIES, control_status=control_status, verdict=verdict_of(results),
            gate=recorded_gate(results), gate_recorded="gate" in extra, safeguards=safeguard_views(
                [v for v in views if v.findings or v.meta]), controls=views, groups=summaries(results, views),
            coverage=coverage_rows(extra.get("coverage")), trend=trend_chart(extra.get("trend") or []),
            drift=extra.get("drift") if isinstance(extra.get("drift"), dict) else None,
            waived=waived_rows(results), stale=[w for w in extra.get("stale_waivers") or [] if isinstance(w, dict)],
            expired=[w for w in extra.get("expired_waivers") or [] if isinstance(w, dict)],
            attestations=attestation_rows(results), version=tool_version(),
            data=Markup(data_json(findings_data(results, views))), people=people_view(results.findings),
            targets=target_views(results) if several_targets(results) else [],
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
