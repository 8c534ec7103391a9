"""The image source on archives built here: OCI layouts (folder, tar) and docker save, gzip and plain layers."""
from __future__ import annotations

import io
import json
import tarfile
from pathlib import Path

import pytest

from conftest import FIXTURES
from assertions import input_error
from image_builder import (ImageSpec, docker_save, entries, file_entry, oci_layout, special, tar_folder,
                           tree_layer)

from hipaacheck.errors import InputError
from hipaacheck.sources.host.registry import load_collectors
from hipaacheck.sources.host.source import HostSource
from hipaacheck.sources.image.source import ImageSource
from hipaacheck.targets import TargetStatus

COMPLIANT = FIXTURES / "host" / "compliant"
TYPES = set(load_collectors())
WHITEOUT = entries((file_entry("etc/ssh/sshd_config.d/.wh.10-hipaa.conf"), ""),
                   (file_entry("etc/systemd/logind.conf.d/.wh..wh..opq"), ""),
                   (file_entry("etc/systemd/logind.conf.d/60-new.conf", "[Login]\n"), "[Login]\n"))


@pytest.fixture
def staged_roots(monkeypatch) -> list[Path]:
    """The temporary roots the image source creates, recorded as it creates them."""
    import hipaacheck.sources.staged as staged

    created: list[Path] = []
    real_init = staged.StagedTree.__init__

    def remember(self, *args, **kwargs):
        real_init(self, *args, **kwargs)
        created.append(self.root)

    monkeypatch.setattr(staged.StagedTree, "__init__", remember)
    return created


def _resources(inventory) -> list[dict]:
    return [resource.to_dict() for resource in inventory.resources]


def _scan(path: Path) -> list:
    return list(ImageSource([path]).collect_targets(TYPES))


def _by_type(inventory, rtype: str) -> dict:
    return next(r.to_dict() for r in inventory.resources if r.type == rtype)


@pytest.mark.parametrize("form", ["oci-folder", "oci-tar", "docker-save"])
def test_an_image_of_a_tree_collects_what_a_root_scan_collects(tmp_path, form, staged_roots):
    spec = ImageSpec([(tree_layer(COMPLIANT), form != "docker-save")], tag="app:1")
    if form == "docker-save":
        digest = docker_save(tmp_path / "image.tar", spec)
        path = tmp_path / "image.tar"
    else:
        digest = oci_layout(tmp_path / "oci", spec)
        path = tmp_path / "oci"
        if form == "oci-tar":
            tar_folder(path, tmp_path / "oci.tar")
            path = tmp_path / "oci.tar"
    [(target, inventory)] = _scan(path)
    assert target.key == f"image:{digest}" and target.name == "app:1"
    assert target.status is TargetStatus.SCANNED
    assert target.details["os"] == "linux" and target.details["architecture"] == "amd64"
    assert target.details["tags"] == ["app:1"]
    assert _resources(inventory) == _resources(HostSource(COMPLIANT).collect(TYPES))
    assert staged_roots and not any(root.exists() for root in staged_roots)  # the temporary root is removed


def test_a_whiteout_layer_removes_lower_files_and_an_opaque_folder_keeps_only_its_own(tmp_path):
    oci_layout(tmp_path / "oci", ImageSpec([(tree_layer(COMPLIANT), True), (WHITEOUT, False)]))
    [(_, inventory)] = _scan(tmp_path / "oci")
    sshd = _by_type(inventory, "host.sshd")
    assert "/etc/ssh/sshd_config.d/10-hipaa.conf" not in sshd["attributes"]["files"]
    assert sshd["attributes"]["settings"]["permitrootlogin"] == "yes"  # the drop-in said no
    logind = _by_type(inventory, "host.logind")
    assert logind["attributes"]["files"] == ["/etc/systemd/logind.conf",
                                             "/etc/systemd/logind.conf.d/60-new.conf"]


def test_a_hostile_layer_writes_nothing_outside_and_creates_no_device(tmp_path, staged_roots):
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "login.defs").write_text("PASS_MAX_DAYS 1  # outside-marker\n")
    created = staged_roots
    hostile = entries(
        (file_entry("../escaped.txt", "x"), "x"),
        (file_entry("../../etc/escaped.txt", "x"), "x"),
        (file_entry("/abs.txt", "inside"), "inside"),
        (special("etc/evil", tarfile.SYMTYPE, str(outside)), None),
        (file_entry("etc/evil/pwned.txt", "x"), "x"),
        (special("etc/login.defs", tarfile.SYMTYPE, str(outside / "login.defs")), None),
        (special("etc/shadow", tarfile.CHRTYPE), None),
        (special("etc/hardout", tarfile.LNKTYPE, "../../../etc/hostname"), None),
        (special("etc/hardin", tarfile.LNKTYPE, "/etc/passwd"), None),
        (special("loop/a", tarfile.SYMTYPE, "/loop/b"), None),
        (special("loop/b", tarfile.SYMTYPE, "/loop/a"), None),
        (file_entry("loop/a/x", "x"), "x"),
    )
    oci_layout(tmp_path / "oci", ImageSpec([(tree_layer(COMPLIANT), True), (hostile, False)]))
    [(target, inventory)] = _scan(tmp_path / "oci")
    assert sorted(p.name for p in outside.iterdir()) == ["login.defs"]
    assert not (tmp_path / "escaped.txt").exists() and not Path("/etc/escaped.txt").exists()
    assert target.details["refused_entries"] == 4  # two ../ names, a hard link out of the tree, one in a link loop
    dump = json.dumps(_resources(inventory))
    assert "outside-marker" not in dump
    assert _by_type(inventory, "host.login_defs")["attributes"]["present"] is False  # link confined: nothing there
    accounts = _by_type(inventory, "host.accounts")
    assert "not a regular file" in json.dumps(accounts["unreadable"])
    assert created and not any(root.exists() for root in created)  # temporary roots removed


def test_a_corrupt_layer_is_an_error_target_and_other_images_go_on(tmp_path):
    oci_layout(tmp_path / "bad", ImageSpec([(tree_layer(COMPLIANT), True)], tag="bad:1"))
    blob = max((tmp_path / "bad" / "blobs" / "sha256").iterdir(), key=lambda p: p.stat().st_size)
    blob.write_bytes(blob.read_bytes()[:-40] + b"\0" * 40)
    docker_save(tmp_path / "good.tar", ImageSpec([(tree_layer(COMPLIANT), False)], tag="good:1"))
    targets = list(ImageSource([tmp_path / "bad", tmp_path / "good.tar"]).collect_targets(TYPES))
    assert [(t.name, t.status, inv is None) for t, inv in targets] == [
        ("bad:1", TargetStatus.ERROR, True), ("good:1", TargetStatus.SCANNED, False)]
    assert "layers could not be applied" in (targets[0][0].reason or "")


@pytest.mark.parametrize("setup, problem", [
    (lambda p: None, "no such image archive"),
    (lambda p: p.mkdir(), "neither a docker save archive"),
    (lambda p: (p.mkdir(), (p / "index.json").write_text("{")), "not JSON"),
    (lambda p: (p.mkdir(), (p / "index.json").write_text('{"manifests": [{"digest": "sha256:../../x"}]}')),
     "unsupported digest"),
])
def test_a_malformed_archive_is_bad_input_naming_it(tmp_path, setup, problem):
    setup(tmp_path / "image")
    with pytest.raises(InputError, match=problem):
        ImageSource([tmp_path / "image"])


def test_scanning_images_gives_one_target_each_and_the_findings_of_a_root_scan(cli, tmp_path):
    oci_layout(tmp_path / "oci", ImageSpec([(tree_layer(COMPLIANT), True)], tag="app:1"))
    docker_save(tmp_path / "old.tar", ImageSpec([(tree_layer(COMPLIANT), False), (WHITEOUT, True)], tag="app:0"))
    images = cli("scan", "--source", "image", "--image", tmp_path / "oci", "--image", tmp_path / "old.tar",
                 "--format", "json")
    local = cli("scan", "--root", COMPLIANT, "--format", "json")
    assert images.code == 1, images.err
    targets = images.json()["targets"]
    assert sorted((t["kind"], t["name"], t["status"]) for t in targets) == [("image", "app:0", "scanned"),
                                                                            ("image", "app:1", "scanned")]
    keys = {t["name"]: f"image:{t['id']}" for t in targets}

    def findings(key: str | None) -> list[tuple]:
        return sorted((f["control_id"], f["resource"]["id"], f.get("resource", {}).get("item"), f["status"],
                       f["message"]) for f in (images if key else local).json()["findings"]
                      if key is None or f["target"] == key)

    assert findings(keys["app:1"]) == findings(None)
    old = dict(((c, s) for c, _, _, s, _ in findings(keys["app:0"])))
    assert old["host.sshd.permit_root_login"] == "fail"  # its drop-in was whited out
    assert dict(((c, s) for c, _, _, s, _ in findings(None)))["host.sshd.permit_root_login"] == "pass"


def test_collect_writes_the_inventory_of_exactly_one_image(cli, tmp_path):
    oci_layout(tmp_path / "oci", ImageSpec([(tree_layer(COMPLIANT), True)]))
    one = cli("collect", "image", "--image", tmp_path / "oci", "-o", tmp_path / "inventory.json")
    assert one.code == 0, one.err
    assert json.loads((tmp_path / "inventory.json").read_text())["resources"]
    two = cli("collect", "image", "--image", tmp_path / "oci", "--image", tmp_path / "oci", "-o", tmp_path / "x.json")
    input_error(two, "--image: collect writes one inventory")


def test_an_archive_of_several_images_is_indexed_once_for_all_of_them(cli, tmp_path, monkeypatch):
    from hipaacheck.sources.image import layout

    first, second = tmp_path / "one.tar", tmp_path / "two.tar"
    docker_save(first, ImageSpec([(tree_layer(COMPLIANT), False)], tag="app:1"))
    docker_save(second, ImageSpec([(entries((file_entry("etc/motd", "hello\n"), None)), False)], tag="app:2"))
    both = tmp_path / "both.tar"  # one docker save archive holding both images
    manifest = []
    with tarfile.open(both, "w") as out:
        for prefix, path in (("a", first), ("b", second)):
            with tarfile.open(path) as archive:
                [entry] = json.loads(archive.extractfile("manifest.json").read())
                entry["Layers"] = [f"{prefix}{name}" for name in entry["Layers"]]
                manifest.append(entry)
                for member in archive.getmembers():
                    if member.name != "manifest.json":
                        data = archive.extractfile(member).read()
                        member.name = f"{prefix}{member.name}" if member.name.endswith("layer.tar") else member.name
                        out.addfile(member, io.BytesIO(data))
        data = json.dumps(manifest).encode()
        info = tarfile.TarInfo("manifest.json")
        info.size = len(data)
        out.addfile(info, io.BytesIO(data))
    opened: list[Path] = []
    original = layout.Archive.__init__

    def counting(self, path: Path) -> None:
        opened.append(path)
        original(self, path)

    monkeypatch.setattr(layout.Archive, "__init__", counting)
    result = cli("scan", "--source", "image", "--image", both, "--format", "json")
    assert sorted((t["name"], t["status"]) for t in result.json()["targets"]) == [("app:1", "scanned"),
                                                                                  ("app:2", "scanned")], result.err
    assert opened == [both]  # read once, for its images and their layers
