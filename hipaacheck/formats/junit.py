"""JUnit XML for CI test tabs: one testsuite per control, one testcase per finding.

``fail`` becomes ``<failure>``, ``error`` becomes ``<error>``, and ``skip``,
``waived`` and ``manual`` become ``<skipped>`` with the reason, so a CI job shows
exactly what could not be checked instead of counting it as passed.

Counts on ``testsuites`` and each ``testsuite`` equal the elements beneath them;
``timestamp`` is a zone-less UTC time and ``hostname`` is set, as the Ant JUnit
schema asks. Characters XML 1.0 cannot carry (control codes from target data)
are replaced, so the report always parses.
"""
from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from datetime import timezone
from typing import BinaryIO

from ..results import Results, verdict_of
from .common import ControlView, compact_json, control_views, parse_time, resource_label, run_time
from .interface import OutputFormat

SKIPPED = {"skip": "not applicable", "waived": "waived", "manual": "needs manual attestation"}
# Not allowed anywhere in an XML 1.0 document, not even as character references.
NOT_XML = re.compile("[^\u0009\u000a\u000d\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def xml_safe(text: str) -> str:
    return NOT_XML.sub("\ufffd", text)


def _text(finding_message: str, evidence: dict, remediation: str) -> str:
    lines = [finding_message]
    if evidence:
        lines.append(f"evidence: {compact_json(evidence)}")
    if remediation:
        lines.append(f"remediation: {remediation}")
    return "\n".join(lines)


def _add(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
    node = ET.SubElement(parent, tag, {key: xml_safe(str(value)) for key, value in attrs.items()})
    if text is not None:
        node.text = xml_safe(text)
    return node


def _timestamp(results: Results) -> str:
    moment = parse_time(run_time(results, "started_at")).astimezone(timezone.utc)
    return moment.strftime("%Y-%m-%dT%H:%M:%S")


class JunitFormat(OutputFormat):
    name = "junit"
    filename = "hipaacheck-junit.xml"

    def write(self, results: Results, out: BinaryIO) -> None:
        """One ``testsuite`` element at a time; only the totals on ``testsuites`` are counted first."""
        views = [view for view in control_views(results) if view.findings]
        counts = {view.id: _suite_counts(view) for view in views}
        root = ET.Element("testsuites", name="hipaacheck")
        for key in ("tests", "failures", "errors", "skipped"):
            root.set(key, str(sum(suite[key] for suite in counts.values())))
        root.set("time", "0")
        head = ET.tostring(root, encoding="unicode")  # <testsuites ... />
        out.write(b'<?xml version="1.0" encoding="UTF-8"?>\n')
        if not views:
            out.write(head.encode("utf-8") + b"\n")
            return
        out.write(head[: -len(" />")].encode("utf-8") + b">")
        timestamp = _timestamp(results)
        target = results.run.get("target") or {}
        hostname = str(target.get("host") or target.get("account") or "localhost")
        verdict = verdict_of(results).line
        for view in views:
            suite = _suite(view, counts[view.id], timestamp, hostname, verdict)
            ET.indent(suite, level=1)
            out.write(b"\n  " + ET.tostring(suite, encoding="unicode").encode("utf-8"))
        out.write(b"\n</testsuites>\n")


def _suite_counts(view: ControlView) -> dict[str, int]:
    counts = view.counts()
    return {"tests": len(view.findings), "failures": counts["fail"], "errors": counts["error"],
            "skipped": counts["skip"] + counts["waived"] + counts["manual"]}


def _suite(view: ControlView, counts: dict[str, int], timestamp: str, hostname: str, verdict: str) -> ET.Element:
    attrs = {"name": view.id, "timestamp": timestamp, "hostname": hostname, "time": "0", **counts}
    suite = ET.Element("testsuite", {key: xml_safe(str(value)) for key, value in attrs.items()})
    props = _add(suite, "properties")
    _add(props, "property", name="title", value=view.title)
    _add(props, "property", name="severity", value=view.severity)
    _add(props, "property", name="citations", value=", ".join(view.citations))
    _add(props, "property", name="verdict", value=verdict)  # the run's, under its gate
    remediation = view.remediation
    for finding in view.findings:
        case = _add(suite, "testcase", classname=view.id, name=resource_label(finding), time="0")
        text = _text(finding.message, finding.evidence, remediation)
        if finding.status == "fail":
            _add(case, "failure", text, message=finding.message, type=finding.severity)
        elif finding.status == "error":
            _add(case, "error", text, message=finding.message, type="error")
        elif finding.status in SKIPPED:
            _add(case, "skipped", message=f"{SKIPPED[finding.status]}: {finding.message}")
    return suite
