"""Controls and profiles: loading, validation errors that name file and line, selection."""
from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from hipaacheck.controls import load_controls
from hipaacheck.errors import InputError
from hipaacheck.profiles import load_profile, select_controls
from hipaacheck.registry import load_all

GOOD_CONTROL = """\
id: test.sample.ok
title: Sample control
description: A control used by the tests.
rationale: Because tests need one.
severity: medium
citations: ["164.312(a)"]
resource_type: host.login_defs
check: attribute
params:
  condition: {path: settings.PASS_MAX_DAYS, op: le, value: $password_max_days}
remediation: Do the right thing.
references: ["NIST SP 800-53: IA-5"]
tags: [sample]
"""


@pytest.fixture(autouse=True)
def _checks():
    load_all()


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text))
    return path


def load_error(folder: Path) -> InputError:
    with pytest.raises(InputError) as info:
        load_controls([folder])
    return info.value


def test_good_control_loads_with_canonical_citation(tmp_path):
    write(tmp_path, "ok.yaml", GOOD_CONTROL)
    control = load_controls([tmp_path]).controls["test.sample.ok"]
    assert control.citations == ["164.312(a)(1)"]  # alias resolved to the catalog's paragraph
    assert control.remediation == {"summary": "Do the right thing."}
    assert control.references == [{"source": "NIST SP 800-53", "id": "IA-5"}]


def test_yaml_syntax_error_names_file_and_line(tmp_path):
    path = write(tmp_path, "bad.yaml", GOOD_CONTROL.replace("severity: medium", "severity: [medium"))
    error = load_error(tmp_path)
    assert error.where.startswith(f"{path}:")
    assert "YAML syntax error" in error.problem


def test_schema_violation_names_line_and_json_path(tmp_path):
    path = write(tmp_path, "bad.yaml", GOOD_CONTROL.replace("severity: medium", "severity: urgent"))
    error = load_error(tmp_path)
    assert error.where == f"{path}:5"
    assert "$.severity" in error.problem


def test_unknown_check(tmp_path):
    write(tmp_path, "bad.yaml", GOOD_CONTROL.replace("check: attribute", "check: no.such.check"))
    error = load_error(tmp_path)
    assert "unknown check 'no.such.check'" in error.problem
    assert error.where.endswith(":8")


def test_duplicate_control_id(tmp_path):
    write(tmp_path, "a.yaml", GOOD_CONTROL)
    second = write(tmp_path, "b.yaml", GOOD_CONTROL)
    error = load_error(tmp_path)
    assert error.where == f"{second}:1"
    assert "duplicate control id 'test.sample.ok'" in error.problem


def test_unknown_citation(tmp_path):
    path = write(tmp_path, "bad.yaml", GOOD_CONTROL.replace('["164.312(a)"]', '["164.312(a)", "164.312(z)(9)"]'))
    error = load_error(tmp_path)
    assert error.where == f"{path}:6"
    assert "unknown Security Rule citation '164.312(z)(9)'" in error.problem


def test_parameter_of_wrong_type(tmp_path):
    path = write(tmp_path, "bad.yaml", GOOD_CONTROL.replace(
        "condition: {path: settings.PASS_MAX_DAYS, op: le, value: $password_max_days}", "condition: 7"))
    error = load_error(tmp_path)
    assert error.where.startswith(str(path))
    assert "$.params.condition" in error.problem


def test_unknown_variable(tmp_path):
    write(tmp_path, "bad.yaml", GOOD_CONTROL.replace("$password_max_days", "$no_such_variable"))
    assert "unknown variable $no_such_variable" in str(load_error(tmp_path))


def test_resource_type_must_match_the_check(tmp_path):
    from hipaacheck.model import Outcome
    from hipaacheck.registry import check

    @check("test.typed", resource_type="host.sshd")
    def typed(resource, params):
        return Outcome("pass", "ok")

    write(tmp_path, "bad.yaml", GOOD_CONTROL.replace("check: attribute", "check: test.typed"))
    assert "evaluates 'host.sshd'" in str(load_error(tmp_path))


def profile_file(folder: Path, name: str, body: str) -> Path:
    return write(folder, f"{name}.yaml", f"id: {name}\ntitle: {name}\n{textwrap.dedent(body)}")


def test_profile_extends_itself(tmp_path):
    path = profile_file(tmp_path, "loop", "extends: " + str(tmp_path / "loop.yaml") + "\n")
    with pytest.raises(InputError) as info:
        load_profile(str(path))
    assert "extends itself (loop -> loop)" in info.value.problem
    assert info.value.where == f"{path}:3"


def test_profile_cycle_through_two(tmp_path):
    a = profile_file(tmp_path, "a", f"extends: {tmp_path / 'b.yaml'}\n")
    profile_file(tmp_path, "b", f"extends: {tmp_path / 'a.yaml'}\n")
    with pytest.raises(InputError) as info:
        load_profile(str(a))
    assert "a -> b -> a" in info.value.problem


def test_unknown_profile_lists_known_ones():
    with pytest.raises(InputError) as info:
        load_profile("no-such-profile")
    assert info.value.where == "--profile"
    assert "hipaa-host" in info.value.problem


def test_selection_by_glob_tag_exclusion_and_overrides(tmp_path):
    controls = tmp_path / "controls"
    write(controls, "a.yaml", GOOD_CONTROL)
    write(controls, "b.yaml", GOOD_CONTROL.replace("test.sample.ok", "test.sample.two").replace("[sample]", "[other]"))
    write(controls, "c.yaml", GOOD_CONTROL.replace("test.sample.ok", "test.other.three"))
    catalog = load_controls([controls])
    base = profile_file(tmp_path, "base", """
        controls: {include: ["test.sample.*"]}
        variables: {password_max_days: 90}
    """)
    child = profile_file(tmp_path, "child", f"""
        extends: {base}
        controls: {{add: ["tag:sample"], exclude: [test.sample.two]}}
        severity: {{test.sample.ok: critical}}
    """)
    active = select_controls(load_profile(str(child)), catalog)
    assert [a.id for a in active] == ["test.other.three", "test.sample.ok"]
    ok = active[1]
    assert ok.severity == "critical"
    assert ok.params["condition"]["value"] == 90  # variable overridden by the parent profile


def test_profile_param_override_is_validated(tmp_path):
    write(tmp_path / "controls", "a.yaml", GOOD_CONTROL)
    catalog = load_controls([tmp_path / "controls"])
    bad = profile_file(tmp_path, "bad", """
        controls: {include: ["test.*"]}
        params: {test.sample.ok: {condition: "not a condition"}}
    """)
    with pytest.raises(InputError) as info:
        select_controls(load_profile(str(bad)), catalog)
    assert str(bad) in info.value.where and "condition" in info.value.problem


def test_builtin_catalog_is_valid():
    from hipaacheck.controls import builtin_controls

    catalog = builtin_controls()
    assert catalog.controls, "no built-in controls"
    for control in catalog.controls.values():
        assert control.citations and control.rationale and control.remediation["summary"]


def test_variables_inside_text_are_substituted_and_checked(tmp_path):
    from hipaacheck.controls import resolve_params

    assert resolve_params({"m": "at most ${a} days", "n": "$a"}, {"a": 90}, "x") == {"m": "at most 90 days", "n": 90}
    with pytest.raises(InputError) as info:
        resolve_params({"m": "at most ${nope} days"}, {"a": 90}, "f.yaml:3")
    assert info.value.where == "f.yaml:3" and "unknown variable $nope" in info.value.problem
