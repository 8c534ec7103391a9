"""The README stays true: its two first-screen commands, and its control and check examples work."""
from __future__ import annotations

import re
import shlex

from conftest import FIXTURES, REPO

README = (REPO / "README.md").read_text()


def code_blocks(language: str) -> list[str]:
    return re.findall(rf"```{language}\n(.*?)```", README, flags=re.S)


def test_first_screen_gives_install_and_test_commands_and_ci_runs_the_same_tests():
    first_screen = "\n".join(README.splitlines()[:25])
    assert ".venv/bin/pip install . && .venv/bin/hipaacheck scan" in first_screen
    test_command = ".venv/bin/python -m pytest -q"
    assert test_command in first_screen
    ci = (REPO / ".ci" / "run").read_text()
    assert "pip install" in ci and "-e '.[test]'" in ci and test_command in ci


def test_readme_control_example_validates(cli, tmp_path):
    [control] = [b for b in code_blocks("yaml") if b.startswith("id: ")]
    path = tmp_path / "control.yaml"
    path.write_text(control)
    result = cli("controls", "validate", path)
    assert result.code == 0, result.err


def test_readme_check_example_runs(cli, tmp_path):
    [check_source] = [b for b in code_blocks("python") if "@check(" in b]
    check_id = re.search(r'@check\("([^"]+)"', check_source).group(1)
    checks = tmp_path / "checks"
    checks.mkdir()
    (checks / "readme_example.py").write_text(check_source)
    controls = tmp_path / "controls"
    controls.mkdir()
    (controls / "banner.yaml").write_text(
        f"id: acme.banner\ntitle: Banner\ndescription: d\nrationale: r\nseverity: low\n"
        f"citations: ['164.310(b)']\nresource_type: host.sshd\ncheck: {check_id}\nremediation: Set Banner.\n")
    profile = tmp_path / "p.yaml"
    profile.write_text("id: p\ntitle: p\ncontrols: {include: [acme.*]}\n")
    result = cli("scan", "--root", FIXTURES / "host" / "compliant", "--checks-dir", checks, "--controls-dir",
                 controls, "--profile", profile, "--format", "json")
    [finding] = result.json()["findings"]
    assert finding["status"] in ("pass", "fail"), finding  # it ran: neither error nor skip
    assert "banner" in finding["evidence"]


def test_usage_lines_parse_with_the_real_cli():
    from hipaacheck.cli import build_parser

    parser = build_parser()
    usage = "\n".join(code_blocks("sh")).replace("\\\n", " ")
    commands = [line.split("#")[0].strip() for line in usage.splitlines() if line.startswith("hipaacheck ")]
    assert len(commands) >= 8
    for command in commands:
        if "|" in command or "[" in command or "..." in command:
            continue  # a synopsis line, not a runnable command
        parser.parse_args(shlex.split(command)[1:])
