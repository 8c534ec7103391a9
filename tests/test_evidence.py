"""Evidence bundle: contents, verification, tamper detection, signatures, determinism, atomic writes, secrets."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from assertions import input_error

from hipaacheck.evidence.bundle import BundleContents, write_bundle
from hipaacheck.evidence.signing import fingerprint

SEED = "SEEDEDHASHVALUE"
FORMATS = "json,html,sarif,csv,markdown,junit"


def make_key(folder: Path, name: str) -> tuple[Path, Path, Ed25519PrivateKey]:
    key = Ed25519PrivateKey.generate()
    private = folder / f"{name}.pem"
    public = folder / f"{name}.pub.pem"
    private.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                          serialization.NoEncryption()))
    public.write_bytes(key.public_key().public_bytes(serialization.Encoding.PEM,
                                                     serialization.PublicFormat.SubjectPublicKeyInfo))
    return private, public, key


@pytest.fixture
def host_tree(tmp_path: Path) -> Path:
    root = tmp_path / "root"
    (root / "etc").mkdir(parents=True)
    (root / "etc" / "login.defs").write_text("PASS_MAX_DAYS 99999\nPASS_MIN_DAYS 0\nENCRYPT_METHOD SHA512\n")
    (root / "etc" / "shadow").write_text(f"root:*:19000:0:99999:7:::\nalice:$6$seedsalt${SEED}:19000:0:99999:7:::\n")
    (root / "etc" / "passwd").write_text("root:x:0:0:root:/root:/bin/bash\nalice:x:1000:1000::/home/alice:/bin/bash\n")
    (root / "etc" / "hostname").write_text("fixture-host\n")
    return root


@pytest.fixture
def signed_bundle(cli, tmp_path: Path, host_tree: Path) -> dict:
    private, public, key = make_key(tmp_path, "signer")
    out = tmp_path / "out"
    bundle = tmp_path / "evidence.zip"
    result = cli("scan", "--root", host_tree, "--format", FORMATS, "--output-dir", out,
                 "--evidence-bundle", bundle, "--sign-key", private)
    assert result.code in (0, 1, 3), result.err
    assert bundle.is_file()
    return {"bundle": bundle, "public": public, "key": key, "out": out, "tmp": tmp_path}


def members(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def rewrite(src: Path, dst: Path, changes: dict[str, bytes | None]) -> Path:
    """Copy a zip, replacing (bytes) or dropping (None) members; new names are added."""
    data = members(src)
    for name, value in changes.items():
        if value is None:
            data.pop(name, None)
        else:
            data[name] = value
    with zipfile.ZipFile(dst, "w") as archive:
        for name, value in data.items():
            archive.writestr(name, value)
    return dst


def test_bundle_holds_the_whole_story(signed_bundle: dict) -> None:
    data = members(signed_bundle["bundle"])
    manifest = json.loads(data["manifest.json"])
    listed = {entry["path"]: entry for entry in manifest["files"]}
    assert set(data) == set(listed) | {"manifest.json", "manifest.sig"}
    for name in ("results.json", "inventory.json", "profile.json", "run.json"):
        assert name in listed
    for fmt_file in ("hipaacheck-report.html", "hipaacheck.sarif", "hipaacheck-findings.csv",
                     "hipaacheck.md", "hipaacheck-junit.xml"):
        assert data[f"reports/{fmt_file}"] == (signed_bundle["out"] / fmt_file).read_bytes()
    # the JSON report is results.json, stored once and named by an alias
    assert data["results.json"] == (signed_bundle["out"] / "hipaacheck-results.json").read_bytes()
    assert manifest["aliases"] == [{"path": "reports/hipaacheck-results.json", "same_as": "results.json"}]
    assert "reports/hipaacheck-results.json" not in data
    profile = json.loads(data["profile.json"])
    assert profile["profile"]["id"] == "hipaa-host" and profile["controls"]
    from hipaacheck.controls import builtin_controls

    catalog = builtin_controls()
    for control_id, active in profile["controls"].items():
        assert data[active["control_file"]] == catalog.controls[control_id].path.read_bytes()
        assert "params" in active and "severity" in active
    run = json.loads(data["run.json"])
    assert run["tool"]["name"] == "hipaacheck" and run["python"]["version"]
    assert run["host"] == "fixture-host" and run["started_at"] and run["finished_at"]
    assert run["command"][run["command"].index("--sign-key") + 1] == "<redacted>"
    inventory = json.loads(data["inventory.json"])
    assert inventory["source"] == "host" and inventory["resources"]
    assert manifest["signature"]["public_key_sha256"] == fingerprint(signed_bundle["key"].public_key())
    assert all(info.date_time == (1980, 1, 1, 0, 0, 0) for info in zipfile.ZipFile(signed_bundle["bundle"]).infolist())
    assert zipfile.ZipFile(signed_bundle["bundle"]).namelist() == sorted(data)


def test_verify_ok(cli, signed_bundle: dict) -> None:
    result = cli("evidence", "verify", signed_bundle["bundle"], "--public-key", signed_bundle["public"])
    assert result.code == 0, result.out
    assert "signature verified" in result.out
    unpinned = cli("evidence", "verify", signed_bundle["bundle"])
    signer = fingerprint(signed_bundle["key"].public_key())
    assert unpinned.code == 0 and f"signed by key {signer} (signature valid" in unpinned.out
    assert "pass --public-key to pin who signed" in unpinned.out


@pytest.mark.parametrize("change, expected", [
    ({"inventory.json": None}, "missing: inventory.json"),
    ({"attestations/forged.pdf": b"%PDF"}, "extra: attestations/forged.pdf"),
    ({"manifest.sig": None}, "missing: manifest.sig"),
])
def test_tampering_is_named(cli, signed_bundle: dict, change: dict, expected: str) -> None:
    tampered = rewrite(signed_bundle["bundle"], signed_bundle["tmp"] / "t.zip", change)
    result = cli("evidence", "verify", tampered, "--public-key", signed_bundle["public"])
    assert result.code == 1 and expected in result.out and "TAMPERED" in result.out


def test_one_changed_byte_is_named(cli, signed_bundle: dict) -> None:
    data = members(signed_bundle["bundle"])
    results = bytearray(data["results.json"])
    results[10] ^= 0x01
    tampered = rewrite(signed_bundle["bundle"], signed_bundle["tmp"] / "t.zip", {"results.json": bytes(results)})
    result = cli("evidence", "verify", tampered)
    assert result.code == 1
    assert result.out.splitlines()[0].endswith("changed: results.json") and "inventory.json" not in result.out


def test_byte_flip_inside_the_zip_file_is_caught(cli, signed_bundle: dict) -> None:
    raw = bytearray(signed_bundle["bundle"].read_bytes())
    offset = raw.index(b"controls/") + 200  # inside the first member's compressed data
    raw[offset] ^= 0xFF
    broken = signed_bundle["tmp"] / "flip.zip"
    broken.write_bytes(bytes(raw))
    result = cli("evidence", "verify", broken)
    assert result.code == 1 and "changed: controls/" in result.out


def forged_run(signed_bundle: dict) -> tuple[bytes, dict]:
    """run.json naming another host, and the manifest re-hashed to match it."""
    import hashlib

    data = members(signed_bundle["bundle"])
    forged = data["run.json"].replace(b"fixture-host", b"other-host00")
    manifest = json.loads(data["manifest.json"])
    for entry in manifest["files"]:
        if entry["path"] == "run.json":
            entry["sha256"] = hashlib.sha256(forged).hexdigest()
    return forged, manifest


def test_rehashed_manifest_fails_the_signature(cli, signed_bundle: dict) -> None:
    forged, manifest = forged_run(signed_bundle)
    tampered = rewrite(signed_bundle["bundle"], signed_bundle["tmp"] / "t.zip",
                       {"run.json": forged, "manifest.json": json.dumps(manifest).encode()})
    result = cli("evidence", "verify", tampered, "--public-key", signed_bundle["public"])
    assert result.code == 1 and "bad signature" in result.out


def test_wrong_key(cli, signed_bundle: dict) -> None:
    """Hashes all match: the bundle is intact but signed by someone else, which is not tampering."""
    _, other_public, other = make_key(signed_bundle["tmp"], "other")
    result = cli("evidence", "verify", signed_bundle["bundle"], "--public-key", other_public)
    signer = fingerprint(signed_bundle["key"].public_key())
    assert result.code == 1 and "TAMPERED" not in result.out
    assert result.out.startswith("NOT VERIFIED:")
    assert f"signed by a different key (fingerprint {signer}), not the --public-key given " \
           f"({fingerprint(other.public_key())})" in result.out


def test_a_re_signed_bundle_shows_the_new_signer(cli, signed_bundle: dict) -> None:
    """Someone rewrites a member, re-hashes and re-signs with their own key: unpinned, it verifies, but the
    fingerprint printed is theirs; pinned to the real key, it is refused."""
    import base64

    from hipaacheck.evidence.signing import raw_public_key

    _, _, forger = make_key(signed_bundle["tmp"], "forger")
    forged, manifest = forged_run(signed_bundle)
    manifest["signature"].update(public_key=raw_public_key(forger.public_key()),
                                 public_key_sha256=fingerprint(forger.public_key()))
    body = json.dumps(manifest).encode()
    tampered = rewrite(signed_bundle["bundle"], signed_bundle["tmp"] / "t.zip", {
        "run.json": forged, "manifest.json": body, "manifest.sig": base64.b64encode(forger.sign(body))})
    unpinned = cli("evidence", "verify", tampered)
    assert unpinned.code == 0 and f"signed by key {fingerprint(forger.public_key())}" in unpinned.out
    pinned = cli("evidence", "verify", tampered, "--public-key", signed_bundle["public"])
    assert pinned.code == 1 and "signed by a different key" in pinned.out


def test_unsigned_bundle_with_a_key_is_not_ok(cli, tmp_path: Path, host_tree: Path) -> None:
    bundle = tmp_path / "plain.zip"
    assert cli("scan", "--root", host_tree, "--evidence-bundle", bundle, "-q").code in (0, 1, 3)
    _, public, _ = make_key(tmp_path, "k")
    assert cli("evidence", "verify", bundle).code == 0
    result = cli("evidence", "verify", bundle, "--public-key", public)
    assert result.code == 1 and "unsigned" in result.out


def test_bad_zip_and_bad_keys_exit_2(cli, tmp_path: Path, host_tree: Path) -> None:
    junk = tmp_path / "junk.zip"
    junk.write_bytes(b"not a zip at all")
    result = cli("evidence", "verify", junk)
    input_error(result, "not a readable zip")
    input_error(cli("evidence", "verify", tmp_path / "absent.zip"), "absent.zip")
    bad_key = tmp_path / "bad.pem"
    bad_key.write_text("-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n")
    scan = cli("scan", "--root", host_tree, "--evidence-bundle", tmp_path / "b.zip", "--sign-key", bad_key)
    input_error(scan, "--sign-key")
    assert not (tmp_path / "b.zip").exists()
    private, _, _ = make_key(tmp_path, "k")
    input_error(cli("scan", "--root", host_tree, "--sign-key", private), "--sign-key")


def test_same_inputs_same_bytes(tmp_path: Path) -> None:
    attachment = tmp_path / "risk-analysis.pdf"
    attachment.write_bytes(b"%PDF-1.7 dated risk analysis")
    _, _, key = make_key(tmp_path, "k")

    def build(name: str, order: list[str]) -> bytes:
        contents = BundleContents()
        for member in order:
            contents.add(member, f"content of {member}\n")
        contents.add_files({"risk/2026.pdf": attachment}, "attestations/")
        write_bundle(tmp_path / name, contents, key)
        return (tmp_path / name).read_bytes()

    first = build("a.zip", ["results.json", "run.json", "reports/x.html"])
    assert first == build("b.zip", ["reports/x.html", "run.json", "results.json"])
    assert members(tmp_path / "a.zip")["attestations/risk/2026.pdf"] == attachment.read_bytes()
    with pytest.raises(Exception, match="relative paths"):
        BundleContents().add("../escape.txt", "x")


def test_no_secret_in_any_output_or_bundle_member(signed_bundle: dict) -> None:
    for path in signed_bundle["out"].iterdir():
        assert SEED not in path.read_text(encoding="utf-8", errors="replace"), path
    raw = signed_bundle["bundle"].read_bytes()
    assert SEED.encode() not in raw
    for name, data in members(signed_bundle["bundle"]).items():
        assert SEED.encode() not in data, name
        assert b"seedsalt" not in data, name


WRITER = """
import os, sys, time, zipfile
from pathlib import Path
from hipaacheck.evidence.bundle import BundleContents, write_bundle
marker = os.environ.get("STALL_MARKER")
if marker:  # stall after the first member is written, so the test can kill us mid-bundle
    original = zipfile.ZipFile.writestr
    def stalling(self, *args, **kwargs):
        original(self, *args, **kwargs)
        self.fp.flush()
        Path(marker).write_text("writing")
        time.sleep(60)
    zipfile.ZipFile.writestr = stalling
contents = BundleContents()
contents.add("results.json", "{}")
contents.add("reports/big.bin", bytes(1024))
write_bundle(Path(sys.argv[1]), contents)
"""


def test_killed_writer_leaves_no_partial_bundle(tmp_path: Path) -> None:
    target = tmp_path / "evidence.zip"
    marker = tmp_path / "writing"
    env = dict(os.environ, STALL_MARKER=str(marker))
    proc = subprocess.Popen([sys.executable, "-c", WRITER, str(target)], env=env)
    try:
        deadline = time.monotonic() + 60
        while not marker.exists():
            assert proc.poll() is None, "writer exited before reaching the stall point"
            assert time.monotonic() < deadline
            time.sleep(0.05)
        partial = [p for p in tmp_path.iterdir() if p.name.startswith(".evidence.zip.")]
        assert partial and partial[0].stat().st_size > 0  # it really was mid-write
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == -signal.SIGKILL
    assert not target.exists()
    # and a complete run of the same writer does produce the file
    subprocess.run([sys.executable, "-c", WRITER, str(target)], check=True, timeout=120,
                   env={k: v for k, v in os.environ.items() if k != "STALL_MARKER"})
    assert zipfile.ZipFile(target).namelist() == ["manifest.json", "reports/big.bin", "results.json"]


def test_results_are_stored_once_whichever_way_the_json_report_went(cli, tmp_path: Path, host_tree: Path) -> None:
    to_stdout = tmp_path / "stdout.zip"
    result = cli("scan", "--root", host_tree, "--format", "json", "--evidence-bundle", to_stdout)
    data = members(to_stdout)
    assert data["results.json"] == result.out.encode("utf-8")  # exactly the bytes printed
    assert "reports/hipaacheck-results.json" not in data
    assert json.loads(data["manifest.json"])["aliases"] == [{"path": "reports/hipaacheck-results.json",
                                                              "same_as": "results.json"}]
    without_json = tmp_path / "csv.zip"
    cli("scan", "--root", host_tree, "--format", "csv", "--output-dir", tmp_path / "out", "--evidence-bundle", without_json)
    data = members(without_json)
    assert "aliases" not in json.loads(data["manifest.json"])
    assert data["results.json"].count(b"\n") == 1 and json.loads(data["results.json"])["findings"]
    for bundle in (to_stdout, without_json):
        assert cli("evidence", "verify", bundle).code == 0


def test_bundles_that_store_the_json_report_twice_still_verify(cli, tmp_path: Path) -> None:
    contents = BundleContents()  # as hipaacheck wrote bundles before aliases
    contents.add("results.json", "{}\n")
    contents.add("reports/hipaacheck-results.json", "{}\n")
    write_bundle(tmp_path / "old.zip", contents)
    result = cli("evidence", "verify", tmp_path / "old.zip")
    assert result.code == 0 and "2 files match" in result.out


def test_an_alias_must_name_a_stored_file(cli, signed_bundle: dict) -> None:
    data = members(signed_bundle["bundle"])
    manifest = json.loads(data["manifest.json"])
    manifest["aliases"] = [{"path": "reports/hipaacheck-results.json", "same_as": "forged.json"}]
    tampered = rewrite(signed_bundle["bundle"], signed_bundle["tmp"] / "t.zip",
                       {"manifest.json": json.dumps(manifest).encode(), "manifest.sig": None})
    result = cli("evidence", "verify", tampered)
    assert result.code == 1 and "alias that names no stored file" in result.out


def test_members_from_files_and_streams_are_copied_whole(cli, tmp_path: Path) -> None:
    import tempfile

    report = tmp_path / "big.csv"
    report.write_bytes(os.urandom(3 << 20))  # several copy chunks, incompressible
    spool = tempfile.TemporaryFile()
    spool.write(b'{"findings":[]}\n')
    spool.seek(0)
    contents = BundleContents()
    contents.add("reports/big.csv", report)
    contents.add("results.json", spool)
    write_bundle(tmp_path / "b.zip", contents)
    data = members(tmp_path / "b.zip")
    assert data["reports/big.csv"] == report.read_bytes() and data["results.json"] == b'{"findings":[]}\n'
    listed = {e["path"]: e for e in json.loads(data["manifest.json"])["files"]}
    assert listed["reports/big.csv"]["size"] == 3 << 20
    assert cli("evidence", "verify", tmp_path / "b.zip").code == 0


# ---- bundles crafted by someone else ----------------------------------------------------------------------

def _crafted(path: Path, members: list[tuple[str | zipfile.ZipInfo, bytes]], listed: dict[str, bytes] | None = None,
             sizes: dict[str, int] | None = None) -> Path:
    """A zip holding ``members`` as given (duplicates, links...) with a manifest listing ``listed``."""
    import hashlib
    import warnings

    listed = dict(members) if listed is None else listed  # type: ignore[arg-type]
    files = [{"path": name, "sha256": hashlib.sha256(data).hexdigest(), "size": (sizes or {}).get(name, len(data))}
             for name, data in listed.items()]
    manifest = json.dumps({"format": "hipaacheck-evidence-bundle", "version": 1, "files": files}).encode()
    with warnings.catch_warnings(), zipfile.ZipFile(path, "w") as archive:
        warnings.simplefilter("ignore")  # "Duplicate name": exactly what is being crafted
        archive.writestr("manifest.json", manifest)
        for name, data in members:
            archive.writestr(name, data)
    return path


def test_a_duplicate_member_name_is_refused(cli, tmp_path: Path) -> None:
    bundle = _crafted(tmp_path / "dup.zip", [("results.json", b"{}"), ("results.json", b"forged")],
                      listed={"results.json": b"{}"})
    result = cli("evidence", "verify", bundle)
    assert result.code == 1 and "duplicate: results.json is stored more than once" in result.out
    assert "TAMPERED" in result.out


@pytest.mark.parametrize("name", ["../outside.txt", "/etc/cron.d/x", "a/../../b", "a\\..\\b"])
def test_an_unsigned_bundle_with_unsafe_names_fails(cli, tmp_path: Path, name: str) -> None:
    bundle = _crafted(tmp_path / "unsafe.zip", [(name, b"x")])
    result = cli("evidence", "verify", bundle)
    assert result.code == 1 and "unsafe" in result.out and "TAMPERED" in result.out


def test_links_and_folders_with_data_are_reported(cli, tmp_path: Path) -> None:
    link = zipfile.ZipInfo("reports/hipaacheck.txt")
    link.create_system = 3
    link.external_attr = (0o120777 << 16)  # a symbolic link to /etc/shadow once unzipped
    folder = zipfile.ZipInfo("reports/")
    bundle = _crafted(tmp_path / "links.zip", [(link, b"/etc/shadow"), (folder, b"hidden data")],
                      listed={"reports/hipaacheck.txt": b"/etc/shadow"})
    result = cli("evidence", "verify", bundle)
    assert result.code == 1
    assert "link: reports/hipaacheck.txt is a symbolic link" in result.out
    assert "extra: reports/ (a folder entry holding data)" in result.out


def test_a_huge_member_is_read_no_further_than_the_manifest_says(cli, tmp_path: Path, monkeypatch) -> None:
    """A zip bomb (here 64 MiB of zeros in ~64 KiB, compresslevel 9) listed with a small size: it is
    reported changed having read at most that size, whatever the zip's own directory claims."""
    bundle = tmp_path / "bomb.zip"
    _crafted(bundle, [], listed={"inventory.json": b"{}"})
    with zipfile.ZipFile(bundle, "a", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        with archive.open("inventory.json", "w", force_zip64=True) as member:
            for _ in range(64):
                member.write(bytes(1 << 20))
    assert bundle.stat().st_size < 1 << 20
    read = []
    original = zipfile.ZipExtFile.read

    def counted(self: zipfile.ZipExtFile, n: int = -1) -> bytes:
        data = original(self, n)
        read.append(len(data))
        return data

    monkeypatch.setattr(zipfile.ZipExtFile, "read", counted)
    result = cli("evidence", "verify", bundle)
    assert result.code == 1 and "changed: inventory.json" in result.out
    assert sum(read) < 1 << 10  # the manifest, and not one byte of the member

    # the zip's directory agrees with a manifest that understates the size: still only that much is read
    from hipaacheck.evidence import verify

    read.clear()
    with zipfile.ZipFile(bundle) as archive:
        info = archive.getinfo("inventory.json")
        _, size, _ = verify._digest(archive, info, limit=10)
    assert size == 11 and sum(read) == 11


def test_a_deeply_nested_manifest_is_named_not_a_crash(cli, tmp_path: Path) -> None:
    bundle = tmp_path / "deep.zip"
    with zipfile.ZipFile(bundle, "w") as archive:
        archive.writestr("manifest.json", "[" * 100_000 + "]" * 100_000)
    result = cli("evidence", "verify", bundle)
    assert result.code == 1 and "nested deeper than" in result.out and "Traceback" not in result.err
