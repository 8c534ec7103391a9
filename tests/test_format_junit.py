"""JUnit XML: one suite per control, one case per finding, statuses mapped for CI test tabs."""
from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

from junitparser import Error, Failure, JUnitXml, Skipped

from hipaacheck.formats.common import resource_label
from hipaacheck.formats.junit import JunitFormat
from hipaacheck.model import Finding
from hipaacheck.results import Results

FIXTURE = Path(__file__).resolve().parent / "fixtures" / "results" / "mixed.json"


def write(tmp_path: Path) -> tuple[Path, Results]:
    results = Results.load(FIXTURE)
    path = tmp_path / "junit.xml"
    path.write_text(JunitFormat().render(results), encoding="utf-8")
    return path, results


def test_parses_with_junitparser(tmp_path: Path) -> None:
    path, results = write(tmp_path)
    xml = JUnitXml.fromfile(str(path))
    suites = {suite.name: suite for suite in xml}
    assert set(suites) == {f.control_id for f in results.findings}
    kinds = {"fail": Failure, "error": Error, "skip": Skipped, "waived": Skipped, "manual": Skipped}
    seen = 0
    for finding in results.findings:
        suite = suites[finding.control_id]
        cases = [c for c in suite if c.name == resource_label(finding)]
        assert len(cases) == 1, finding.resource
        result = cases[0].result
        if finding.status == "pass":
            assert result == []
        else:
            assert len(result) == 1 and isinstance(result[0], kinds[finding.status])
        seen += 1
    assert seen == sum(suite.tests for suite in xml) == len(results.findings)


def test_counts_with_elementtree(tmp_path: Path) -> None:
    path, results = write(tmp_path)
    root = ET.parse(path).getroot()
    counts = results.summary()["by_status"]
    assert root.tag == "testsuites"
    assert int(root.get("failures")) == counts["fail"] == len(root.findall(".//failure"))
    assert int(root.get("errors")) == counts["error"] == len(root.findall(".//error"))
    assert int(root.get("skipped")) == counts["skip"] + counts["waived"] + counts["manual"] == len(root.findall(".//skipped"))
    failure = root.find(".//testsuite[@name='host.login_defs.pass_max_days']/testcase/failure")
    assert failure.get("message") == "PASS_MAX_DAYS is 99999, above 365"
    assert '"PASS_MAX_DAYS":99999' in failure.text and "remediation: Set PASS_MAX_DAYS" in failure.text


def test_counts_are_consistent_at_every_level(tmp_path: Path) -> None:
    """Common JUnit XML schema (Ant/Jenkins): each count attribute equals the elements it counts."""
    path, _ = write(tmp_path)
    root = ET.parse(path).getroot()
    for key in ("tests", "failures", "errors", "skipped"):
        assert int(root.get(key)) == sum(int(s.get(key)) for s in root.findall("testsuite"))
    for suite in root.findall("testsuite"):
        cases = suite.findall("testcase")
        assert int(suite.get("tests")) == len(cases)
        for key, tag in (("failures", "failure"), ("errors", "error"), ("skipped", "skipped")):
            assert int(suite.get(key)) == len(suite.findall(f"testcase/{tag}"))
        assert all(len([c for c in case if c.tag in ("failure", "error", "skipped")]) <= 1 for case in cases)
        assert suite.get("hostname") == "123456789012" and suite.get("timestamp") == "2026-03-01T02:00:00"
        assert list(suite)[0].tag == "properties"  # properties come before the testcases


def test_control_characters_from_target_data_still_parse(tmp_path: Path) -> None:
    results = Results.load(FIXTURE)
    results.findings = [Finding("c.x", "c.x", "fail", "high", {"type": "t", "id": "/etc/\x1b[31mred\x00"},
                                ["164.312(d)"], "value \x07bell\x0b", {"v": "\x01"})]
    results.run["started_at"] = "2026-03-01T03:00:00+01:00"
    path = tmp_path / "junit.xml"
    path.write_text(JunitFormat().render(results), encoding="utf-8")
    root = ET.parse(path).getroot()
    failure = root.find(".//failure")
    assert failure.get("message") == "value \ufffdbell\ufffd"
    assert root.find(".//testcase").get("name") == "/etc/\ufffd[31mred\ufffd"
    assert root.find("testsuite").get("timestamp") == "2026-03-01T02:00:00"
