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


def test_message_and_evidence_are_escaped() -> None:
    results = Results.load(FIXTURE)
    results.findings.append(Finding("host.sshd.max_auth_tries", "host.sshd.max_auth_tries", "fail", "medium",
                                    {"type": "host.sshd", "id": "/etc/ssh/sshd_config", "item": XSS},
                                    ["164.312(a)(1)"], f"bad {XSS}", {"value": XSS}))
    results.controls["host.sshd.max_auth_tries"]["remediation"] = {"summary": XSS}
    html = HtmlFormat().render(results)
    assert XSS not in html
    assert html.count("&lt;script&gt;alert(1)&lt;/script&gt;") >= 4  # message, evidence, item, remediation
    # the only script is the report's own filter
    assert len(parse(html).scripts) == 1 and "alert" not in parse(html).scripts[0]


def test_self_contained() -> None:
    html = HtmlFormat().render(Results.load(FIXTURE))
    tags = parse(html).tags
    assert not [t for t, a in tags if t in ("link", "iframe", "img")]
    assert not [a for t, a in tags if t == "script" and "src" in a]
    assert not re.search(r"(src|href)\s*=\s*[\"']?(https?:)?//", html)
    assert "@import" not in html and "url(" not in html


def test_sections_follow_the_security_rule() -> None:
    results = Results.load(FIXTURE)
    html = HtmlFormat().render(results)
    rule = security_rule()
    for meta in results.controls.values():
        for citation in meta["citations"]:
            para = rule.resolve(citation)
            assert f"&sect; {para.citation}</span> {para.title.replace(chr(39), '&#39;')}" in html
    # safeguards in catalog order, each once
    order = [html.index(f"{name} safeguards") for name in ("Administrative", "Technical")]
    assert order == sorted(order)
    assert ">addressable<" in html and ">required<" in html
    # evidence values and remediation shown for the failing login.defs control
    assert "PASS_MAX_DAYS:</span> <span class=\"mono\">99999" in html
    assert "Set PASS_MAX_DAYS in /etc/login.defs." in html
    assert "Static public site, no ePHI" in html  # waiver justification


def test_summary_counts_and_filter_buttons() -> None:
    results = Results.load(FIXTURE)
    html = HtmlFormat().render(results)
    counts = results.summary()["by_status"]
    for status, count in counts.items():
        assert f'<div class="n">{count}</div><div class="l">{status} findings</div>' in html
        assert f'data-filter="{status}">{status} ({count})</button>' in html
    rows = re.findall(r'<tr class="finding" data-status="(\w+)"', html)
    assert set(rows) == {s for s, n in counts.items() if n}


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
    assert "Security Rule coverage" not in html and "<svg" not in html
    assert "bucket has no default encryption" in html
    empty = HtmlFormat().render(Results(findings=[], run=bare.run))
    assert "<h2>Summary</h2>" in empty
