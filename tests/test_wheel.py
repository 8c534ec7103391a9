"""A built wheel carries controls, checks, profiles and templates, and scans from any folder."""
from __future__ import annotations

import json
import os
import subprocess
import sys
import sysconfig
import venv
from pathlib import Path

import pytest

from conftest import REPO


@pytest.mark.slow
def test_wheel_installs_and_scans_from_another_folder(tmp_path: Path):
    dist = tmp_path / "dist"
    subprocess.run([sys.executable, "-m", "pip", "wheel", str(REPO), "--no-deps", "--no-build-isolation",
                    "-q", "-w", str(dist)], check=True, cwd=tmp_path)
    [wheel] = dist.glob("hipaacheck-*.whl")

    import zipfile

    names = zipfile.ZipFile(wheel).namelist()
    for folder in ("controls", "checks", "profiles", "reports"):
        assert any(n.startswith(f"hipaacheck/_content/{folder}/") for n in names), folder
    assert "hipaacheck/data/hipaa_security_rule.yaml" in names
    assert "hipaacheck/schemas/results.schema.json" in names
    declarations = {p.relative_to(REPO).as_posix() for p in (REPO / "hipaacheck").rglob("*.attributes.yaml")}
    assert declarations and declarations <= set(names)  # resource type declarations, beside their modules
    assert "hipaacheck/schemas/resource_types.schema.json" in names

    # The installed wheel must be what runs: an inherited PYTHONPATH (a checkout's source) would shadow it.
    clean = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    env_dir = tmp_path / "venv"
    venv.EnvBuilder(with_pip=False).create(env_dir)
    inner_python = env_dir / "bin" / "python"
    inner_site = Path(subprocess.run([str(inner_python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                                     check=True, capture_output=True, text=True).stdout.strip())
    # Dependencies come from the test environment; hipaacheck itself only from the wheel.
    (inner_site / "deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    subprocess.run([sys.executable, "-m", "pip", "--python", str(inner_python), "install", "--no-deps", "-q",
                    str(wheel)], check=True)

    root = tmp_path / "root" / "etc"
    root.mkdir(parents=True)
    (root / "login.defs").write_text("PASS_MAX_DAYS 30\n")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    where = subprocess.run([str(inner_python), "-c", "import hipaacheck.content as c; print(c.content_root())"],
                           check=True, capture_output=True, text=True, cwd=elsewhere, env=clean).stdout.strip()
    assert where.startswith(str(inner_site)), where
    scan = subprocess.run([str(env_dir / "bin" / "hipaacheck"), "scan", "--root", str(tmp_path / "root"),
                           "--format", "json", "--quiet"], capture_output=True, text=True, cwd=elsewhere, env=clean)
    assert scan.returncode in (0, 1, 3), scan.stderr
    data = json.loads(scan.stdout)
    statuses = {f["control_id"]: f["status"] for f in data["findings"]}
    assert statuses["host.login_defs.pass_max_days"] == "pass"
