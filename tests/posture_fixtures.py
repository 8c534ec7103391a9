"""Helpers for the waivers / baseline / history / config tests: a tiny host tree and a profile of test controls.

The profile selects only controls defined here (on /etc/login.defs), so these
tests do not move when other controls are added to the catalog.
"""
from __future__ import annotations

from pathlib import Path

CONTROL = """\
id: {id}
title: Test control on {key}
description: Test control.
rationale: Test control.
severity: {severity}
citations: ["{citation}"]
resource_type: host.login_defs
check: attribute
params:
  condition: {{path: settings.{key}, op: {op}, value: {value}}}
remediation: {{summary: Fix {key}.}}
"""
# id, setting, op, value, severity, citation
CONTROLS = [
    ("posture.max_days", "PASS_MAX_DAYS", "le", 90, "high", "164.308(a)(5)(ii)(D)"),
    ("posture.min_days", "PASS_MIN_DAYS", "ge", 1, "medium", "164.312(d)"),
    ("posture.warn_age", "PASS_WARN_AGE", "ge", 7, "low", "164.312(d)"),
]


def make_env(tmp: Path, waiver_max_days: int = 365) -> dict[str, Path]:
    """Write test controls, a profile selecting them, and a host root; returns their paths."""
    controls = tmp / "controls"
    controls.mkdir()
    for cid, key, op, value, severity, citation in CONTROLS:
        (controls / f"{cid}.yaml").write_text(CONTROL.format(id=cid, key=key, op=op, value=value,
                                                             severity=severity, citation=citation))
    profile = tmp / "profile.yaml"
    profile.write_text(f"id: posture-test\ntitle: Posture test\ncontrols:\n  include: ['posture.*']\n"
                       f"waiver_max_days: {waiver_max_days}\n")
    root = tmp / "root"
    (root / "etc").mkdir(parents=True)
    set_host(root, max_days=99999, min_days=0, warn_age=7)
    return {"controls": controls, "profile": profile, "root": root}


def set_host(root: Path, max_days: int, min_days: int, warn_age: int) -> None:
    (root / "etc" / "login.defs").write_text(
        f"PASS_MAX_DAYS {max_days}\nPASS_MIN_DAYS {min_days}\nPASS_WARN_AGE {warn_age}\n")


def scan_args(env: dict[str, Path], *more: object) -> list[str]:
    return ["scan", "--root", str(env["root"]), "--controls-dir", str(env["controls"]),
            "--profile", str(env["profile"]), *map(str, more)]


def statuses(doc: dict) -> dict[str, str]:
    return {f["control_id"]: f["status"] for f in doc["findings"]}
