"""docs/COVERAGE.md: every HIPAA check of Prowler and AWS Config maps to controls or to a written reason,
and the file is what ``hipaacheck peers`` generates from the controls and the package's data file."""
from __future__ import annotations

import json
import re
from pathlib import Path

import yaml

from hipaacheck.controls import builtin_controls
from hipaacheck import peers
from hipaacheck.peers import DATA, PeerRow, load_sources, markdown, rows
from hipaacheck.registry import load_all
from hipaacheck.security_rule import security_rule

REPO = Path(__file__).resolve().parent.parent


def table() -> list[PeerRow]:
    load_all()
    return rows(builtin_controls().controls.values(), load_sources())


def test_coverage_doc_is_generated_from_the_controls():
    expected = markdown(table(), load_sources())
    assert (REPO / "docs" / "COVERAGE.md").read_text(encoding="utf-8") == expected, \
        "docs/COVERAGE.md is stale: run hipaacheck peers --format markdown > docs/COVERAGE.md"


def test_every_peer_check_has_a_control_or_a_reason_and_not_both():
    found = table()
    assert len(found) == 95 + 131
    assert [r.problem for r in found if r.problem] == []
    assert sum(1 for r in found if r.controls) >= 170


def test_covering_controls_exist_and_cite_the_paragraphs():
    """Each control a peer check maps to (through its references or ``covered_by``) is in the catalog, and every
    citation of it resolves, at least one to one of the Security Rule's 68 paragraphs: a control citing only a
    related rule (Breach Notification) would be no Security Rule coverage of the peer's check."""
    found = table()
    catalog = builtin_controls().controls
    rule = security_rule()
    problems = []
    for row in found:
        for control in row.controls:
            if control not in catalog:
                problems.append(f"{row.source} {row.check}: unknown control {control}")
                continue
            cited = [rule.resolve(citation) for citation in catalog[control].citations]
            if None in cited or not set(rule.paragraphs) & set(cited):
                problems.append(f"{row.source} {row.check}: {control} cites {catalog[control].citations}")
    assert any(row.controls for row in found)
    assert problems == []


def test_the_data_file_lists_exactly_the_checks_of_the_shared_reference(reference_file):
    prowler = re.findall(r"^\| `([a-z0-9_]+)` \|", reference_file("peers/prowler_hipaa_aws_checks.md").read_text(), re.M)
    config = re.findall(r"^\| `([a-z0-9-]+)` \| `[A-Z0-9_]+` \|",
                        reference_file("peers/aws_config_hipaa_rules.md").read_text(), re.M)
    sources = load_sources()
    assert list(sources["Prowler"]["checks"]) == prowler
    assert list(sources["AWS Config"]["checks"]) == config


def test_a_missing_reason_is_reported_and_fails_the_command(cli, tmp_path, monkeypatch):
    data = yaml.safe_load(DATA.read_text())
    data["sources"]["Prowler"]["checks"]["iam_policy_no_wildcard_marketplace_subscribe"] = {}
    path = tmp_path / "peers.yaml"
    path.write_text(yaml.safe_dump(data))
    monkeypatch.setattr(peers, "DATA", path)
    result = cli("peers", "--format", "json")
    assert result.code == 1
    assert result.err == ("hipaacheck: Prowler iam_policy_no_wildcard_marketplace_subscribe: no control references it and no "
                          "out-of-scope reason is given\n")


def test_peers_command_prints_json_rows(cli):
    result = cli("peers", "--format", "json")
    assert result.code == 0, result.err
    printed = json.loads(result.out)
    assert [(r["source"], r["check"], tuple(r["controls"]), r["out_of_scope"]) for r in printed] == \
        [(r.source, r.check, r.controls, r.out_of_scope) for r in table()]  # every row, in the peers' order
    by_check = {(r["source"], r["check"]): r for r in printed}
    assert by_check[("Prowler", "cloudtrail_s3_dataevents_read_enabled")]["controls"] == [
        "aws.cloudtrail.s3_data_events_read"]
    assert "ePHI" in by_check[("Prowler", "kms_key_enclave_attestation_pcr_mismatch")]["out_of_scope"]
