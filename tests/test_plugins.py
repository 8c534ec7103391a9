"""Third-party checks: a --checks-dir folder and the hipaacheck.checks entry-point group."""
from __future__ import annotations

import sys
import textwrap
from pathlib import Path

from assertions import input_error

from hipaacheck import registry

CHECK_MODULE = '''
from hipaacheck.model import failed, passed
from hipaacheck.registry import check

@check("{check_id}", resource_type="host.login_defs", params={{"limit": {{"type": "integer", "default": 30}}}})
def short_passwords(resource, params):
    """PASS_MAX_DAYS at most limit."""
    value = resource.get("settings").get("PASS_MAX_DAYS")
    ok = isinstance(value, int) and value <= params["limit"]
    return (passed if ok else failed)(f"PASS_MAX_DAYS is {{value}}", value=value)
'''

CONTROL = """\
id: local.login_defs.short
title: Short password age
description: A local control using a local check.
rationale: Local policy.
severity: high
citations: ["164.308(a)(5)(ii)(D)"]
resource_type: host.login_defs
check: {check_id}
params: {{limit: 60}}
remediation: Lower PASS_MAX_DAYS.
"""

PROFILE = "id: local\ntitle: Local\ncontrols: {include: [local.*]}\n"


def setup_tree(tmp_path: Path, check_id: str) -> tuple[Path, Path, Path]:
    controls = tmp_path / "controls"
    controls.mkdir()
    (controls / "short.yaml").write_text(CONTROL.format(check_id=check_id))
    profile = tmp_path / "local.yaml"
    profile.write_text(PROFILE)
    root = tmp_path / "root" / "etc"
    root.mkdir(parents=True)
    (root / "login.defs").write_text("PASS_MAX_DAYS 90\n")
    return controls, profile, tmp_path / "root"


def test_checks_dir_and_controls_dir(cli, tmp_path):
    checks = tmp_path / "checks"
    checks.mkdir()
    (checks / "local.py").write_text(CHECK_MODULE.format(check_id="local.short_passwords"))
    controls, profile, root = setup_tree(tmp_path, "local.short_passwords")
    result = cli("scan", "--root", root, "--checks-dir", checks, "--controls-dir", controls, "--profile", profile,
                 "--format", "json")
    assert result.code == 1, result.err
    [finding] = result.json()["findings"]
    assert (finding["control_id"], finding["status"], finding["evidence"]) == ("local.login_defs.short", "fail",
                                                                               {"value": 90})


def test_broken_checks_dir_module_is_bad_input(cli, tmp_path):
    checks = tmp_path / "broken"
    checks.mkdir()
    (checks / "oops.py").write_text("import no_such_module_anywhere\n")
    result = cli("scan", "--root", tmp_path, "--checks-dir", checks)
    input_error(result, str(checks / "oops.py"), "ModuleNotFoundError")


def test_entry_point_plugin(cli, tmp_path, monkeypatch):
    site = tmp_path / "site"
    package = site / "acme_hipaa_checks"
    package.mkdir(parents=True)
    (package / "__init__.py").write_text(CHECK_MODULE.format(check_id="acme.short_passwords"))
    dist = site / "acme_hipaa_checks-1.0.dist-info"
    dist.mkdir()
    (dist / "METADATA").write_text("Metadata-Version: 2.1\nName: acme-hipaa-checks\nVersion: 1.0\n")
    (dist / "entry_points.txt").write_text(textwrap.dedent("""\
        [hipaacheck.checks]
        acme = acme_hipaa_checks
    """))
    monkeypatch.syspath_prepend(str(site))
    monkeypatch.setattr(registry, "_BUILTINS_LOADED", False)
    controls, profile, root = setup_tree(tmp_path, "acme.short_passwords")
    result = cli("scan", "--root", root, "--controls-dir", controls, "--profile", profile, "--format", "json")
    assert result.code == 1, result.err
    assert result.json()["findings"][0]["check_id"] == "acme.short_passwords"
    assert "acme_hipaa_checks" in sys.modules
