"""The JSON encoder every output goes through: the json module's bytes, and no crash on what orjson refuses."""
from __future__ import annotations

import datetime
import json

import pytest

from hipaacheck.jsonenc import dumps
from hipaacheck.model import Status

DOCUMENT = {
    "schema_version": "1.1",
    "findings": [{"control_id": "a.b", "status": Status.FAIL, "evidence": {"ports": [22, 3389], "ratio": 0.25,
                                                                          "name": "café ✓", "empty": {}, "none": None}},
                 {"control_id": "c", "status": Status.PASS, "evidence": {}, "escaped": "tab\there \x1b[31m"}],
    "observed_at": datetime.datetime(2026, 12, 1, 10, 0, tzinfo=datetime.timezone.utc),
    "nested": [[], [1, [2, {}]]],
}


@pytest.mark.parametrize("pretty", [False, True])
@pytest.mark.parametrize("sort_keys", [False, True])
def test_same_bytes_as_the_json_module(pretty: bool, sort_keys: bool) -> None:
    expected = json.dumps(DOCUMENT, ensure_ascii=False, sort_keys=sort_keys, default=str,
                          **({"indent": 2} if pretty else {"separators": (",", ":")}))
    assert dumps(DOCUMENT, pretty, sort_keys) == expected.encode("utf-8")


@pytest.mark.parametrize("value", [{"big": 2 ** 70}, {"lone": "\ud800"}, {1: "integer key"}])
def test_values_orjson_refuses_fall_back_to_valid_ascii_json(value: dict) -> None:
    written = dumps(value)
    assert written.isascii()
    assert json.loads(written) == {str(k): v for k, v in value.items()}


def test_fallback_keeps_the_layout_asked_for() -> None:
    written = dumps({"b": 2 ** 70, "a": [1]}, pretty=True, sort_keys=True).decode()
    assert written == '{\n  "a": [\n    1\n  ],\n  "b": 1180591620717411303424\n}'
