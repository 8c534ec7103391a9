"""JUnit XML for CI test tabs: one testsuite per control, one testcase per finding.

``fail`` becomes ``<failure>``, ``error`` becomes ``<error>``, and ``skip``,
``waived`` and ``manual`` become ``<skipped>`` with the reason, so a CI job shows
exactly what could not be checked instead of counting it as passed.
"""
from __future__ import annotations

import xml.etree.ElementTree as ET

from ..results import Results
from .common import compact_json, control_views, resource_label, run_time
from .interface import OutputFormat

SKIPPED = {"skip": "not applicable", "waived": "waived", "manual": "needs manual attestation"}


def _text(finding_message: str, evidence: dict, remediation: str) -> str:
    lines = [finding_message]
    if evidence:
        lines.append(f"evidence: {compact_json(evidence)}")
    if remediation:
        lines.append(f"remediation: {remediation}")
    return "\n".join(lines)


class JunitFormat(OutputFormat):
    name = "junit"
    filename = "hipaacheck-junit.xml"

    def render(self, results: Results) -> str:
        root = ET.Element("testsuites", name="hipaacheck")
        totals = {"tests": 0, "failures": 0, "errors": 0, "skipped": 0}
        timestamp = run_time(results, "started_at").replace("Z", "")
        for view in control_views(results):
            if not view.findings:
                continue
            counts = view.counts()
            suite_counts = {"tests": len(view.findings), "failures": counts["fail"], "errors": counts["error"],
                            "skipped": counts["skip"] + counts["waived"] + counts["manual"]}
            suite = ET.SubElement(root, "testsuite", name=view.id, timestamp=timestamp, time="0",
                                  **{k: str(v) for k, v in suite_counts.items()})
            props = ET.SubElement(suite, "properties")
            ET.SubElement(props, "property", name="title", value=view.title)
            ET.SubElement(props, "property", name="severity", value=view.severity)
            ET.SubElement(props, "property", name="citations", value=", ".join(view.citations))
            for finding in view.findings:
                case = ET.SubElement(suite, "testcase", classname=view.id, name=resource_label(finding), time="0")
                text = _text(finding.message, finding.evidence, view.remediation)
                if finding.status == "fail":
                    node = ET.SubElement(case, "failure", message=finding.message, type=finding.severity)
                    node.text = text
                elif finding.status == "error":
                    node = ET.SubElement(case, "error", message=finding.message, type="error")
                    node.text = text
                elif finding.status in SKIPPED:
                    ET.SubElement(case, "skipped", message=f"{SKIPPED[finding.status]}: {finding.message}")
            for key in totals:
                totals[key] += suite_counts[key]
        for key, value in totals.items():
            root.set(key, str(value))
        ET.indent(root)
        return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"
