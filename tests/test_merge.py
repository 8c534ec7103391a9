"""``hipaacheck merge``: hosts and AWS together, duplicates, runs of the same target, bad inputs, the bundle."""
from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest
from assertions import input_error

FIXTURES = Path(__file__).resolve().parent / "fixtures"
MIXED = FIXTURES / "results" / "mixed.json"  # schema 1.0, one AWS account


def host_results(cli, tmp_path: Path, tree: str, name: str | None = None) -> Path:
    out = tmp_path / (name or tree)
    result = cli("scan", "--source", "host", "--root", FIXTURES / "host" / tree, "--format", "json",
                 "--output-dir", out, "--quiet")
    assert result.code in (0, 1, 3), result.err
    return out / "hipaacheck-results.json"


def merge(cli, tmp_path: Path, *inputs: Path | str, out: str = "merged"):
    result = cli("merge", *inputs, "--output-dir", tmp_path / out, "--quiet")
    path = tmp_path / out / "hipaacheck-results.json"
    return result, (json.loads(path.read_text()) if result.code != 2 else None)


def test_hosts_and_an_aws_account_merge_into_one_posture(cli, tmp_path) -> None:
    good, bad = host_results(cli, tmp_path, "compliant"), host_results(cli, tmp_path, "noncompliant")
    result, document = merge(cli, tmp_path, good, bad, MIXED)
    assert result.code == 1
    assert [t["id"] for t in document["targets"]] == ["123456789012", "compliant-host", "noncompliant-host"]
    assert document["schema_version"] == "1.1"
    host = [f for f in document["findings"] if f.get("target", "").startswith("host:")]
    assert {f["resource"]["account"] for f in host} == {"host:compliant-host", "host:noncompliant-host"}
    assert all(f["target"] == f["resource"]["account"] for f in host)
    assert len(host) == sum(f["resource"]["type"].startswith("host.") for p in (good, bad)
                            for f in json.loads(p.read_text())["findings"])
    aws = [f for f in document["findings"] if f["resource"]["type"].startswith("aws.")]
    assert aws and all(f["target"] == "aws-account:123456789012" for f in aws), "1.0 findings adopt their target"
    singles = [json.loads(p.read_text()) for p in (good, bad)]
    assert document["summary"]["total"] == sum(d["summary"]["total"] for d in singles) + len(
        json.loads(MIXED.read_text())["findings"])
    by_target = document["summary"]["by_target"]
    assert by_target["host:noncompliant-host"]["fail"] > by_target["host:compliant-host"]["fail"]
    assert [row["citation"] for row in document["coverage"]] and document["run"]["source"] == "merge"


def test_the_same_file_twice_is_merged_once(cli, tmp_path) -> None:
    good = host_results(cli, tmp_path, "compliant")
    _, once = merge(cli, tmp_path, good, out="once")
    _, twice = merge(cli, tmp_path, good, good, out="twice")
    assert twice["findings"] == once["findings"] and twice["summary"] == once["summary"]


def test_one_target_from_two_runs_needs_latest_wins(cli, tmp_path) -> None:
    first = host_results(cli, tmp_path, "noncompliant", "first")
    second_doc = json.loads(first.read_text())
    second_doc["run"]["started_at"] = "2999-01-01T00:00:00+00:00"
    for finding in second_doc["findings"]:
        finding["message"] = "later: " + finding["message"]
    second = tmp_path / "second.json"
    second.write_text(json.dumps(second_doc))
    result, _ = merge(cli, tmp_path, first, second)
    input_error(result, "target host:noncompliant-host is also in", "--latest-wins")
    result = cli("merge", second, first, "--latest-wins", "--output-dir", tmp_path / "latest", "--quiet")
    assert result.code == 1, result.err
    kept = json.loads((tmp_path / "latest" / "hipaacheck-results.json").read_text())["findings"]
    host = [f for f in kept if f["resource"]["type"].startswith("host.")]
    assert host and all(f["message"].startswith("later: ") for f in host)


def _inventory(cli, tmp_path: Path) -> Path:
    path = tmp_path / "inventory.json"
    assert cli("collect", "host", "--root", FIXTURES / "host" / "compliant", "-o", path).code == 0
    return path


@pytest.mark.parametrize("make, expected", [
    (lambda tmp, cli: tmp / "missing.json", "missing.json"),
    (lambda tmp, cli: _write(tmp / "broken.json", "{not json"), "broken.json"),
    (lambda tmp, cli: _write(tmp / "future.json", json.dumps({**json.loads(MIXED.read_text()),
                                                              "schema_version": "2.0"})),
     "future.json: $.schema_version: unsupported results version '2.0'"),
    (lambda tmp, cli: _inventory(cli, tmp), "inventory.json"),
])
def test_bad_inputs_are_one_line_exit_2(cli, tmp_path, make, expected) -> None:
    bad = make(tmp_path, cli)
    result = cli("merge", MIXED, bad, "--output-dir", tmp_path / "out")
    input_error(result, expected)
    assert not (tmp_path / "out").exists()


def _write(path: Path, text: str) -> Path:
    path.write_text(text)
    return path


def test_merge_needs_an_output_dir(cli, tmp_path) -> None:
    input_error(cli("merge", MIXED), "--output-dir")


def test_merge_evidence_bundle_carries_each_input(cli, tmp_path) -> None:
    good = host_results(cli, tmp_path, "compliant")
    bundle = tmp_path / "merged.zip"
    result = cli("merge", good, MIXED, "--output-dir", tmp_path / "m", "--format", "json,markdown",
                 "--evidence-bundle", bundle, "--quiet")
    assert result.code == 1, result.err
    names = zipfile.ZipFile(bundle).namelist()
    assert {"results.json", "run.json", "reports/hipaacheck.md", "inputs/00-hipaacheck-results.json",
            "inputs/01-mixed.json"} <= set(names)
    assert zipfile.ZipFile(bundle).read("inputs/01-mixed.json") == MIXED.read_bytes()
    assert cli("evidence", "verify", bundle).code == 0


def scan_bundle(cli, tmp_path: Path, tree: str) -> Path:
    bundle = tmp_path / f"{tree}.zip"
    result = cli("scan", "--source", "host", "--root", FIXTURES / "host" / tree, "--format", "json",
                 "--output-dir", tmp_path / f"{tree}-out", "--evidence-bundle", bundle, "--quiet")
    assert result.code in (0, 1, 3), result.err
    return bundle


def test_bundles_merge_and_their_manifests_are_carried(cli, tmp_path) -> None:
    good, bad = scan_bundle(cli, tmp_path, "compliant"), scan_bundle(cli, tmp_path, "noncompliant")
    merged = tmp_path / "merged.zip"
    result = cli("merge", good, bad, "--output-dir", tmp_path / "m", "--evidence-bundle", merged, "--quiet")
    assert result.code == 1, result.err
    document = json.loads((tmp_path / "m" / "hipaacheck-results.json").read_text())
    assert [t["id"] for t in document["targets"]] == ["compliant-host", "noncompliant-host"]
    with zipfile.ZipFile(merged) as archive:
        assert archive.read("inputs/00-compliant/manifest.json") == zipfile.ZipFile(good).read("manifest.json")
        assert archive.read("inputs/01-noncompliant/manifest.json") == zipfile.ZipFile(bad).read("manifest.json")
    assert cli("evidence", "verify", merged).code == 0


def test_a_bundle_that_does_not_verify_is_refused(cli, tmp_path) -> None:
    good = scan_bundle(cli, tmp_path, "compliant")
    tampered = tmp_path / "tampered.zip"
    with zipfile.ZipFile(good) as source, zipfile.ZipFile(tampered, "w") as out:
        for item in source.infolist():
            data = source.read(item)
            out.writestr(item, data.replace(b"compliant-host", b"compliant-hosT") if item.filename == "run.json"
                         else data)
    result = cli("merge", tampered, "--output-dir", tmp_path / "m")
    input_error(result, "tampered.zip: evidence bundle does not verify (changed: run.json)")


def test_the_merged_results_record_the_gate_every_report_shows(cli, tmp_path) -> None:
    out = tmp_path / "gated"
    result = cli("merge", MIXED, "--output-dir", out, "--format", "json,markdown", "--fail-on", "critical",
                 "--soft-fail")
    assert result.code == 0, result.err
    document = json.loads((out / "hipaacheck-results.json").read_text())
    assert document["gate"] == {"fail_on": "critical", "soft_fail": True, "fail_on_new_only": False}
    line = document["verdict"]["line"]  # no critical failure, some errors: incomplete, soft-failed to 0
    assert line.startswith("INCOMPLETE") and line.endswith("[--soft-fail: exit 0]") and line in result.err
    report = (out / "hipaacheck.md").read_text()
    assert line in report and "at or above low" not in report


def test_output_names_where_a_format_goes(cli, tmp_path) -> None:
    sarif = tmp_path / "ci" / "merged.sarif"
    result = cli("merge", MIXED, "--output-dir", tmp_path / "m", "--format", "json", "--output", f"sarif={sarif}",
                 "--quiet")
    assert result.code == 1, result.err
    assert json.loads(sarif.read_text())["version"] == "2.1.0"
    assert (tmp_path / "m" / "hipaacheck-results.json").exists()
    assert not (tmp_path / "m" / "hipaacheck.sarif").exists()
