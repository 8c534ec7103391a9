"""The parsed-content cache: reused only while a file is unchanged and the cache is the user's own."""
from __future__ import annotations

import os
import pickle
import re
from pathlib import Path

import pytest

from hipaacheck import content_cache
from hipaacheck.content_cache import ContentCache
from hipaacheck.errors import InputError
from hipaacheck.yamlio import line_of, load_yaml

REPO = Path(__file__).resolve().parent.parent


def counting_parser(calls: list):
    def parse(path):
        calls.append(path)
        return load_yaml(path)
    return parse


def test_unchanged_file_is_parsed_once_and_keeps_its_lines(tmp_path):
    source = tmp_path / "control.yaml"
    source.write_text("id: a.b\ntitle: x\nparams:\n  limit: 3\n")
    calls: list = []
    first = ContentCache(tmp_path / "cache" / "c.pickle")
    assert first.get(source, counting_parser(calls))["params"]["limit"] == 3
    first.save()

    second = ContentCache(tmp_path / "cache" / "c.pickle")
    data = second.get(source, counting_parser(calls))
    assert len(calls) == 1  # the second instance read the saved value
    assert line_of(data, ["params", "limit"]) == 4
    data["params"]["limit"] = 99  # each caller gets its own copy
    assert second.get(source, counting_parser(calls))["params"]["limit"] == 3


def test_changed_file_is_parsed_again(tmp_path):
    source = tmp_path / "control.yaml"
    source.write_text("limit: 3\n")
    calls: list = []
    cache = ContentCache(tmp_path / "c.pickle")
    cache.get(source, counting_parser(calls))
    source.write_text("limit: 4444\n")
    os.utime(source, ns=(1, 1))
    assert cache.get(source, counting_parser(calls)) == {"limit": 4444}
    assert len(calls) == 2


@pytest.mark.parametrize("mode", [0o664, 0o646])
def test_a_cache_others_can_write_is_ignored(tmp_path, mode):
    source = tmp_path / "control.yaml"
    source.write_text("limit: 3\n")
    cache_file = tmp_path / "cache" / "c.pickle"
    cache = ContentCache(cache_file)
    cache.get(source, load_yaml)
    cache.save()
    info = source.stat()
    forged = {"format": content_cache.FORMAT, "valid": set(),
              "entries": {str(source): ((info.st_mtime_ns, info.st_size), pickle.dumps({"limit": 0}))}}
    cache_file.write_bytes(pickle.dumps(forged))
    assert ContentCache(cache_file).get(source, load_yaml) == {"limit": 0}  # the user's own file is trusted
    cache_file.chmod(mode)
    assert ContentCache(cache_file).get(source, load_yaml) == {"limit": 3}


def test_a_damaged_cache_is_rebuilt(tmp_path):
    cache_file = tmp_path / "c.pickle"
    cache_file.write_bytes(b"\x80\x05not a pickle")
    source = tmp_path / "a.yaml"
    source.write_text("a: 1\n")
    cache = ContentCache(cache_file)
    assert cache.get(source, load_yaml) == {"a": 1}
    cache.save()
    assert str(source) in ContentCache(cache_file).entries


def test_only_valid_documents_are_remembered(tmp_path):
    cache = ContentCache(tmp_path / "c.pickle")
    runs: list = []

    def invalid():
        runs.append("invalid")
        raise InputError("x.yaml:3", "bad")

    for _ in range(2):
        with pytest.raises(InputError):
            cache.validate_once("key-invalid", invalid)
    cache.validate_once("key-valid", lambda: runs.append("valid"))
    cache.validate_once("key-valid", lambda: runs.append("valid"))
    assert runs == ["invalid", "invalid", "valid"]


def test_validity_is_keyed_by_schema_and_document(monkeypatch, tmp_path):
    shared = ContentCache(tmp_path / "c.pickle")
    monkeypatch.setattr(content_cache, "shared_cache", lambda: shared)
    runs: list = []
    for key in [("params", {"type": "object"}, {"a": 1}), ("params", {"type": "object"}, {"a": 1}),
                ("params", {"type": "object"}, {"a": 2}), ("params", {"type": "array"}, {"a": 1})]:
        content_cache.validate_once(key, lambda: runs.append(1))
    assert len(runs) == 3


def test_no_cache_when_turned_off(monkeypatch):
    monkeypatch.setenv("HIPAACHECK_NO_CACHE", "1")
    content_cache.shared_cache.cache_clear()
    try:
        assert content_cache.shared_cache() is None
    finally:
        content_cache.shared_cache.cache_clear()


def test_a_broken_shipped_control_still_names_its_line(tmp_path, monkeypatch):
    """Validity is remembered, errors are not: a control made invalid after a good run still fails with its line."""
    from hipaacheck.controls import load_controls
    from hipaacheck.registry import load_all

    load_all()

    shared = ContentCache(tmp_path / "c.pickle")
    monkeypatch.setattr(content_cache, "shared_cache", lambda: shared)
    folder = tmp_path / "controls"
    folder.mkdir()
    control = folder / "c.yaml"
    monkeypatch.setattr(content_cache, "_shipped_roots", lambda: (tmp_path,))
    good = next((REPO / "controls" / "host").rglob("*.yaml")).read_text()
    line = next(n for n, text in enumerate(good.splitlines(), 1) if text.startswith("severity:"))
    control.write_text(good)
    load_controls([folder], variables_path=tmp_path / "none.yaml")
    control.write_text(re.sub(r"(?m)^severity: .*$", "severity: lowish", good))
    os.utime(control, ns=(2, 2))
    with pytest.raises(InputError) as caught:
        load_controls([folder], variables_path=tmp_path / "none.yaml")
    assert caught.value.where.endswith(f"c.yaml:{line}")


def test_a_failed_save_keeps_the_old_cache_and_leaves_no_temp_file(tmp_path, monkeypatch):
    source = tmp_path / "a.yaml"
    source.write_text("a: 1\n")
    cache_file = tmp_path / "cache" / "c.pickle"
    cache = ContentCache(cache_file)
    cache.get(source, load_yaml)
    cache.save()
    before = cache_file.read_bytes()
    cache.dirty = True

    def full_disk(*_args, **_kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(pickle, "dump", full_disk)
    cache.save()  # never fatal
    assert cache_file.read_bytes() == before
    assert [p.name for p in cache_file.parent.iterdir()] == ["c.pickle"]
