"""HTML report: autoescaped, self-contained, organised by safeguard and paragraph, optional sections."""
from __future__ import annotations

import copy
import re
from html.parser import HTMLParser
from pathlib import Path

from hipaacheck.formats.html import HtmlFormat
from hipaacheck.model import Finding
from hipaacheck.results import Results
from hipaacheck.security_rule import security_rule

FIXTURE = Path(__file__).resolve().parent / "fixtures" / "results" / "mixed.json"
XSS = "<script>alert(1)</script>"


class _Collect(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict]] = []
        self.scripts: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        self._in_script = tag == "script"

    def handle_endtag(self, tag):
        self._in_script = False

    def handle_data(self, data):
        if self._in_script:
            self.scripts.append(data)


def parse(text: str) -> _Collect:
    parser = _Collect()
    parser.feed(text)
    return parser


def data_of(html: str) -> dict:
    """The findings document the page's script renders from."""
    import json

    opening = '<script type="application/json" id="findings-data">'
    start = html.index(opening) + len(opening)
    return json.loads(html[start:html.index("</script>", start)])


def test_message_and_evidence_are_escaped() -> None:
    results = Results.load(FIXTURE)
    results.findings.append(Finding("host.sshd.max_auth_tries", "host.sshd.max_auth_tries", "fail", "medium",
                                    {"type": "host.sshd", "id": "/etc/ssh/sshd_config", "item": XSS},
                                    ["164.312(a)(1)"], f"bad {XSS}", {"value": XSS}))
    results.controls["host.sshd.max_auth_tries"]["remediation"] = {"summary": XSS}
    html = HtmlFormat().render(results)
    assert XSS not in html and "</script><" not in html.replace("</script>\n<script>", "")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html  # remediation, autoescaped
    rows = data_of(html)["findings"]
    assert any(row[7] == f"bad {XSS}" for row in rows)  # the data carries it as text; the script sets textContent
    scripts = parse(html).scripts
    assert len(scripts) == 2 and "alert" not in scripts[1] and "innerHTML" not in scripts[1]


def test_self_contained() -> None:
    html = HtmlFormat().render(Results.load(FIXTURE))
    tags = parse(html).tags
    assert not [t for t, a in tags if t in ("link", "iframe", "img")]
    assert not [a for t, a in tags if t == "script" and "src" in a]
    assert not re.search(r"(src|href)\s*=\s*[\"']?(https?:)?//", html)
    assert "@import" not in html and "url(" not in html and "fetch(" not in html


def test_paragraphs_link_to_controls_and_findings_instead_of_repeating_them() -> None:
    results = Results.load(FIXTURE)
    html = HtmlFormat().render(results)
    rule = security_rule()
    for meta in results.controls.values():
        for citation in meta["citations"]:
            para = rule.resolve(citation)
            assert f'data-set-filter="citation" data-value="{para.citation}"' in html
    order = [html.index(f"{name} safeguards") for name in ("Administrative", "Technical")]
    assert order == sorted(order)
    assert ">addressable<" in html and ">required<" in html
    for control_id in results.controls:
        assert html.count(f'id="control-{control_id}"') == 1  # each control once, linked from its paragraphs
        assert f'href="#control-{control_id}"' in html
    assert "bucket has no default encryption" not in html.split('id="findings-data"')[0]  # findings are data only
    assert "Set PASS_MAX_DAYS in /etc/login.defs." in html
    assert "Static public site, no ePHI" in html  # waiver justification, in the waivers table


def test_summary_by_status_severity_service_and_safeguard() -> None:
    results = Results.load(FIXTURE)
    html = HtmlFormat().render(results)
    for status, count in results.summary()["by_status"].items():
        assert f'<div class="n">{count}</div><div class="l">{status} findings</div>' in html
    assert 'id="by-severity"' in html and 'id="by-service"' in html and 'id="by-safeguard"' in html
    assert 'data-set-filter="service" data-value="s3">s3</button>' in html
    data = data_of(html)
    assert len(data["findings"]) == results.summary()["total"]
    assert {row[1] for row in data["findings"]} == {s for s, n in results.summary()["by_status"].items() if n}


def test_verdict_under_the_recorded_gate() -> None:
    from hipaacheck.results import record_verdict

    results = Results.load(FIXTURE)
    assert "no gate recorded in these results" in HtmlFormat().render(results)
    record_verdict(results, "critical", soft_fail=True)
    html = HtmlFormat().render(results)
    assert "INCOMPLETE: some checks could not run" in html and "[--soft-fail: exit 0]" in html  # no critical fail
    assert "Gate: fail on critical and above, soft fail &middot; exit code 0" in html


def test_drift_waivers_and_attestations() -> None:
    results = Results.load(FIXTURE)
    results.findings[2].extra["drift"] = "new"
    results.extra["drift"] = {"counts": {"new": 1, "unchanged": 0, "resolved": 1, "new_failures": 1},
                              "baseline": {"path": "last.json", "started_at": "2026-02-01T00:00:00Z"},
                              "resolved": [{"control_id": "host.old", "severity": "high", "now": "absent",
                                            "resource": {"type": "host.x", "id": "/etc/gone"}}], "new": []}
    results.extra["stale_waivers"] = [{"control": "aws.s3.*", "approver": "Dana", "ticket": "SEC-12",
                                       "expires": "2026-09-01", "source": "waivers.yaml:3"}]
    results.extra["expired_waivers"] = [{"control": "host.sshd.*", "approver": "Lee", "expires": "2026-01-01",
                                         "source": "waivers.yaml:9"}]
    html = HtmlFormat().render(results)
    assert "Drift against the baseline" in html and "/etc/gone" in html and 'data-value="new">1 new</button>' in html
    assert 'id="filter-drift"' in html and data_of(html)["findings"][2][8] == "new"
    assert "SEC-12" in html and "waivers.yaml:9" in html and 'id="expired-waivers"' in html
    assert 'id="attestation-list"' in html and "manual.risk_analysis" in html


def test_coverage_and_trend_rendered_when_present() -> None:
    results = Results.load(FIXTURE)
    html = HtmlFormat().render(results)
    assert "Security Rule coverage" in html and html.count("<polyline") == 1
    assert html.count("<circle") == len(results.extra["trend"])
    assert "manual.risk_analysis</td>" in html


def test_renders_without_coverage_trend_or_metadata() -> None:
    results = Results.load(FIXTURE)
    bare = Results(findings=copy.deepcopy(results.findings), run={"started_at": "2026-03-01T00:00:00Z",
                   "finished_at": "2026-03-01T00:00:01Z", "source": "host", "profile": {"id": "p"}})
    html = HtmlFormat().render(bare)
    assert "Security Rule coverage" not in html and "<svg" not in html and "Drift against" not in html
    assert any(row[7] == "bucket has no default encryption" for row in data_of(html)["findings"])
    empty = HtmlFormat().render(Results(findings=[], run=bare.run))
    assert "<h2>Summary</h2>" in empty and data_of(empty)["findings"] == []
