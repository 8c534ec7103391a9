"""The CI and nightly examples work as written: valid YAML/units/cron, every hipaacheck command parses
with the real CLI parser, every format and file name they use exists, and the nightly script runs."""
from __future__ import annotations

import configparser
import json
import os
import shlex
import sqlite3
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
import yaml

from hipaacheck.cli import build_parser
from hipaacheck.cli.config import load_config, subparser
from hipaacheck.formats import FORMATS, get_format
from hipaacheck.waivers import load_waivers
from posture_fixtures import make_env, set_host

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
NIGHTLY = EXAMPLES / "nightly" / "hipaacheck-nightly.sh"


def shell_commands(script: str) -> list[list[str]]:
    """Simple commands in a shell snippet (continuations joined, split at operators, env assignments dropped)."""
    commands = []
    for line in script.replace("\\\n", " ").splitlines():
        lexer = shlex.shlex(line, posix=True, punctuation_chars=True)
        lexer.whitespace_split = True
        lexer.commenters = "#"
        current: list[str] = []
        for token in [*lexer, ";"]:
            if token and set(token) <= set("();<>|&"):
                if current:
                    commands.append(current)
                current = []
            elif current or "=" not in token or token.startswith("-"):
                current.append(token)
    # drop the keyword in front of a command inside if/then/else
    return [c[1:] if c[0] in ("if", "then", "else", "do", "!") else c for c in commands if c]


def hipaacheck_commands(script: str) -> list[list[str]]:
    return [c for c in shell_commands(script) if c and Path(c[0]).name == "hipaacheck"]


def check_command(tokens: list[str]) -> None:
    """Parse with the real parser; check every --format name is a registered format."""
    try:
        args = build_parser().parse_args(tokens[1:])
    except SystemExit as exc:  # our parser exits 2 on unknown flags or bad values
        pytest.fail(f"{shlex.join(tokens)} does not parse (exit {exc.code})")
    assert getattr(args, "handler", None), shlex.join(tokens)
    fmt = getattr(args, "format", None)
    if fmt and args.command in ("scan", "report"):
        unknown = [name for name in fmt.split(",") if name not in FORMATS]
        assert not unknown, f"{shlex.join(tokens)}: unregistered formats {unknown}"


def load_all(path: Path) -> list:
    return [doc for doc in yaml.safe_load_all(path.read_text()) if doc is not None]


def test_every_yaml_example_parses():
    found = sorted(EXAMPLES.rglob("*.y*ml")) + sorted(EXAMPLES.rglob(".*.y*ml"))
    assert len(found) >= 5
    for path in found:
        assert load_all(path), path


def test_github_actions_workflow():
    workflow = load_all(EXAMPLES / "github-actions" / "hipaacheck.yml")[0]
    assert workflow["permissions"]["security-events"] == "write"
    steps = workflow["jobs"]["scan"]["steps"]
    commands = [c for s in steps if "run" in s for c in hipaacheck_commands(s["run"])]
    assert [c[1] for c in commands] == ["scan"]
    for command in commands:
        check_command(command)
    scan = build_parser().parse_args(commands[0][1:])
    out = str(scan.output_dir)
    upload = next(s for s in steps if s.get("uses", "").startswith("github/codeql-action/upload-sarif@"))
    assert upload["with"]["sarif_file"] == f"{out}/{get_format('sarif').filename}"
    assert upload["if"] == "always()"
    summary = next(s for s in steps if "GITHUB_STEP_SUMMARY" in s.get("run", ""))
    assert f"{out}/{get_format('markdown').filename}" in summary["run"]
    artifact = next(s for s in steps if s.get("uses", "").startswith("actions/upload-artifact@"))
    assert str(scan.evidence_bundle) in artifact["with"]["path"]
    assert f"{out}/{get_format('json').filename}" in artifact["with"]["path"]
    assert f"{out}/{get_format('html').filename}" in artifact["with"]["path"]


def test_gitlab_ci_junit_report():
    pipeline = load_all(EXAMPLES / "gitlab-ci" / ".gitlab-ci.yml")[0]
    job = pipeline["hipaacheck"]
    commands = [c for line in job["script"] for c in hipaacheck_commands(line)]
    assert len(commands) == 1
    check_command(commands[0])
    scan = build_parser().parse_args(commands[0][1:])
    assert "junit" in scan.format.split(",")
    assert job["artifacts"]["reports"]["junit"] == f"{scan.output_dir}/{get_format('junit').filename}"
    assert job["artifacts"]["when"] == "always"


def test_nightly_script_commands_parse():
    commands = hipaacheck_commands(NIGHTLY.read_text())
    assert sorted(c[1] for c in commands) == ["diff", "scan", "scan"]
    for command in commands:
        check_command(command)
    scans = [build_parser().parse_args(c[1:]) for c in commands if c[1] == "scan"]
    assert all(s.history for s in scans) and any(s.baseline for s in scans)
    assert all("json" in s.format.split(",") for s in scans)
    assert get_format("json").filename in NIGHTLY.read_text()


def unit(path: Path) -> configparser.ConfigParser:
    parser = configparser.ConfigParser(interpolation=None, strict=True)
    parser.optionxform = str  # systemd keys are case-sensitive
    parser.read_string(path.read_text())
    return parser


def test_systemd_units_and_cron_run_the_nightly_script():
    service = unit(EXAMPLES / "nightly" / "hipaacheck-nightly.service")
    assert service["Service"]["Type"] == "oneshot"
    assert Path(service["Service"]["ExecStart"]).name == NIGHTLY.name
    assert service["Service"]["WorkingDirectory"] == "/etc/hipaacheck"
    timer = unit(EXAMPLES / "nightly" / "hipaacheck-nightly.timer")
    assert timer["Timer"]["OnCalendar"] and timer["Install"]["WantedBy"] == "timers.target"
    entries = [line for line in (EXAMPLES / "nightly" / "hipaacheck.cron").read_text().splitlines()
               if line.strip() and not line.startswith("#") and "=" not in line.split()[0]]
    assert len(entries) == 1
    fields = entries[0].split(None, 6)
    assert len(fields) == 7 and fields[5] == "root"
    assert all(part == "*" or part.isdigit() for part in fields[:5])
    assert any(Path(c[0]).name == NIGHTLY.name for c in shell_commands(fields[6]))


def test_kubernetes_cronjob():
    docs = load_all(EXAMPLES / "kubernetes" / "cronjob.yaml")
    kinds = {doc["kind"]: doc for doc in docs}
    assert set(kinds) == {"ConfigMap", "PersistentVolumeClaim", "CronJob"}
    cron = kinds["CronJob"]
    assert cron["apiVersion"] == "batch/v1" and len(cron["spec"]["schedule"].split()) == 5
    pod = cron["spec"]["jobTemplate"]["spec"]["template"]["spec"]
    container = pod["containers"][0]
    assert Path(container["command"][0]).name == "hipaacheck-nightly"
    assert f"{NIGHTLY.relative_to(EXAMPLES)} /usr/local/bin/hipaacheck-nightly" in \
        (EXAMPLES / "kubernetes" / "Dockerfile").read_text()
    mounts = {m["name"]: m["mountPath"] for m in container["volumeMounts"]}
    assert mounts["config"] == container["workingDir"]
    env = {e["name"]: e["value"] for e in container["env"]}
    assert mounts["state"] == env["STATE_DIRECTORY"]


def test_config_and_waivers_examples_load(tmp_path):
    scan_parser = subparser(build_parser(), "scan")
    nightly = load_config(EXAMPLES / "nightly" / ".hipaacheck.yaml", scan_parser)
    assert nightly["waivers"] == (EXAMPLES / "nightly" / "waivers.yaml").resolve()
    load_waivers(nightly["waivers"], 365, date(2026, 11, 1))
    configmap = next(d for d in load_all(EXAMPLES / "kubernetes" / "cronjob.yaml") if d["kind"] == "ConfigMap")
    for name, text in configmap["data"].items():
        (tmp_path / name).write_text(text)
    k8s = load_config(tmp_path / ".hipaacheck.yaml", scan_parser)
    assert k8s["source"] == "aws"
    load_waivers(k8s["waivers"], 365, date(2026, 11, 1))


def test_nightly_script_runs_twice_with_history_and_drift(tmp_path):
    env = make_env(tmp_path)
    etc = tmp_path / "etc-hipaacheck"
    etc.mkdir()
    (etc / ".hipaacheck.yaml").write_text(
        f"root: {env['root']}\nprofile: {env['profile']}\ncontrols-dir: [{env['controls']}]\n")
    state = tmp_path / "state"
    run_env = {**os.environ, "STATE_DIRECTORY": str(state),
               "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"}
    first = subprocess.run(["sh", str(NIGHTLY)], cwd=etc, env=run_env, capture_output=True, timeout=180)
    assert first.returncode == 1, first.stderr
    set_host(env["root"], max_days=90, min_days=0, warn_age=1)
    second = subprocess.run(["sh", str(NIGHTLY)], cwd=etc, env=run_env, capture_output=True, timeout=180)
    assert second.returncode == 1, second.stderr
    assert first.stdout == second.stdout == b""  # --quiet: the verdict line alone, on stderr
    assert second.stderr.decode().startswith("FAIL: ") and second.stderr.count(b"\n") == 1
    last = json.loads((state / "last-results.json").read_text())
    assert {f["control_id"]: f["drift"] for f in last["findings"]} == {
        "posture.max_days": "resolved", "posture.min_days": "unchanged", "posture.warn_age": "new"}
    assert [t["new_failures"] for t in last["trend"]] == [2, 1]
    drift_md = sorted(state.glob("runs/*/drift.md"))[-1].read_text()
    assert "### New failures (1)" in drift_md and "posture.warn_age" in drift_md
    with sqlite3.connect(state / "history.db") as conn:
        assert conn.execute("SELECT COUNT(*) FROM runs").fetchone()[0] == 2


# --------------------------------------------------------------------------- the whole Organization

AWS_ORG = EXAMPLES / "aws-org"


def parsed(tokens: list[str]):
    check_command(tokens)
    return build_parser().parse_args(tokens[1:])


def test_kubernetes_org_indexed_job_is_valid_and_its_commands_fit_together():
    import kubernetes_validate

    docs = load_all(EXAMPLES / "kubernetes" / "org-indexed-job.yaml")
    for doc in docs:  # the Kubernetes API schema, shipped offline by kubernetes-validate
        kubernetes_validate.validate(doc, "1.30", strict=True)
    broken = json.loads(json.dumps(docs[2]))
    broken["spec"]["completions"] = "four"
    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(broken, "1.30", strict=True)
    jobs = {doc["metadata"]["name"]: doc for doc in docs if doc["kind"] == "Job"}
    shards, merge = jobs["hipaacheck-org-shards"], jobs["hipaacheck-org-merge"]
    assert shards["spec"]["completionMode"] == "Indexed"
    count = shards["spec"]["completions"]
    [shard] = shards["spec"]["template"]["spec"]["containers"]
    scan = parsed([*shard["command"], *shard["args"]])
    assert scan.command == "scan" and scan.shard == f"auto/{count}" and scan.accounts == "all" and scan.soft_fail
    assert str(scan.output_dir) == "/results/shard-$(JOB_COMPLETION_INDEX)"
    [merger] = merge["spec"]["template"]["spec"]["containers"]
    merged = parsed([*merger["command"], *merger["args"]])
    assert merged.command == "merge"
    assert [str(p) for p in merged.results] == [
        f"{str(scan.output_dir).replace('$(JOB_COMPLETION_INDEX)', str(i))}/{get_format('json').filename}"
        for i in range(count)]
    assert merged.evidence_bundle and {"sarif", "html"} <= set(merged.format.split(","))
    wait = merge["spec"]["template"]["spec"]["initContainers"][0]["command"][-1]
    assert f"-ge {count} ]" in wait and get_format("json").filename in wait
    volume = {v["name"]: v for v in shards["spec"]["template"]["spec"]["volumes"]}["results"]
    assert volume == {v["name"]: v for v in merge["spec"]["template"]["spec"]["volumes"]}["results"]
    claim = next(d for d in docs if d["kind"] == "PersistentVolumeClaim")
    assert volume["persistentVolumeClaim"]["claimName"] == claim["metadata"]["name"]
    assert "ReadWriteMany" in claim["spec"]["accessModes"]


def test_github_actions_org_matrix_shards_and_merges():
    workflow = load_all(EXAMPLES / "github-actions" / "org-matrix.yml")[0]
    scan_job, merge_job = workflow["jobs"]["scan"], workflow["jobs"]["merge"]
    shards = scan_job["strategy"]["matrix"]["shard"]
    assert shards == list(range(len(shards))) and scan_job["strategy"]["fail-fast"] is False
    step = next(s for s in scan_job["steps"] if "hipaacheck scan" in s.get("run", ""))
    [scan_tokens] = hipaacheck_commands(step["run"].replace("${{ matrix.shard }}", "0"))
    scan = parsed(scan_tokens)
    assert scan.shard == f"0/{len(shards)}" and scan.soft_fail and scan.org_role
    upload = next(s for s in scan_job["steps"] if s.get("uses", "").startswith("actions/upload-artifact@"))
    assert upload["with"]["path"] == f"{scan.output_dir}/{get_format('json').filename}"
    assert merge_job["needs"] == "scan" and merge_job["permissions"]["security-events"] == "write"
    download = next(s for s in merge_job["steps"] if s.get("uses", "").startswith("actions/download-artifact@"))
    assert download["with"]["pattern"] == upload["with"]["name"].replace("${{ matrix.shard }}", "*")
    step = next(s for s in merge_job["steps"] if "hipaacheck merge" in s.get("run", ""))
    [merge_tokens] = hipaacheck_commands(step["run"])
    merged = parsed(merge_tokens)
    assert [str(p) for p in merged.results] == [
        f"{download['with']['path']}/shard-*/{get_format('json').filename}"]
    sarif = next(s for s in merge_job["steps"] if s.get("uses", "").startswith("github/codeql-action/upload-sarif@"))
    assert sarif["with"]["sarif_file"] == f"{merged.output_dir}/{get_format('sarif').filename}"
    assert "category" not in sarif["with"], "each account's run carries its own category"
    artifact = next(s for s in merge_job["steps"] if s.get("uses", "").startswith("actions/upload-artifact@"))
    assert str(merged.evidence_bundle) in artifact["with"]["path"]


def aws_policy(cli, *args: str) -> dict:
    result = cli("aws-policy", *args)
    assert result.code == 0, result.err
    return json.loads(result.out)


def test_member_role_policies_are_what_aws_policy_derives(cli):
    member = aws_policy(cli)
    assert json.loads((AWS_ORG / "hipaacheck-member-policy.json").read_text()) == member, \
        "regenerate: hipaacheck aws-policy > examples/aws-org/hipaacheck-member-policy.json"
    assert json.loads((AWS_ORG / "hipaacheck-scanner-policy.json").read_text()) == aws_policy(
        cli, "--org-role", "HipaacheckAudit")
    template = load_all(AWS_ORG / "member-role.cfn.yaml")[0]
    role = template["Resources"]["HipaacheckAuditRole"]["Properties"]
    assert role["Policies"][0]["PolicyDocument"] == member
    assert template["Parameters"]["RoleName"]["Default"] == "HipaacheckAudit"
    assert role["AssumeRolePolicyDocument"]["Statement"][0]["Condition"]["StringEquals"]["sts:ExternalId"] == {
        "Ref": "ExternalId"}


def test_cloudformation_template_passes_cfn_lint():
    from cfnlint.api import lint_all

    template = AWS_ORG / "member-role.cfn.yaml"
    def problems(text: str) -> list[str]:  # errors and warnings; informational notes are not problems
        return [str(m) for m in lint_all(text) if m.rule.severity in ("error", "warning")]

    assert problems(template.read_text()) == []
    assert problems(template.read_text().replace("Type: AWS::IAM::Role", "Type: AWS::IAM::Rolle")), \
        "cfn-lint must be able to fail"


def test_terraform_module_reads_the_derived_policy():
    import hcl2

    def bare(text: object) -> object:  # python-hcl2 keeps the quotes of strings and labels
        return text.strip('"') if isinstance(text, str) else text

    module = hcl2.loads((AWS_ORG / "member-role.tf").read_text())
    resources = {bare(name): body for block in module["resource"] for kind in block.values()
                 for name, body in kind.items()}
    assert 'file("${path.module}/hipaacheck-member-policy.json")' in resources["hipaacheck_read_only"]["policy"]
    assert resources["hipaacheck_read_only"]["role"] == "${aws_iam_role.hipaacheck_audit.id}"
    assert resources["hipaacheck_audit"]["name"] == "${var.role_name}"
    assert "sts:ExternalId" in resources["hipaacheck_audit"]["assume_role_policy"]
    variables = {bare(name): body for block in module["variable"] for name, body in block.items()}
    assert bare(variables["role_name"]["default"]) == "HipaacheckAudit" and variables["external_id"]["sensitive"]
