"""JsonWalker: member by member, it reads what json reads and refuses what json refuses."""
from __future__ import annotations

import json
from typing import Any

import pytest

from hipaacheck.jsonwalk import JsonWalker


def rebuild(walker: JsonWalker) -> Any:
    """The value at ``walker``, its containers walked member by member and everything else decoded."""
    opener = walker.text[walker.pos]
    if opener == "{":
        return {key: rebuild(walker) for key in walker.keys()}
    if opener == "[":
        return [rebuild(walker) for _ in walker.indexes()]
    return walker.value()


def walk_whole(text: str) -> Any:
    walker = JsonWalker(text)
    value = rebuild(walker)
    if not walker.at_end():
        raise ValueError("extra data")
    return value


@pytest.mark.parametrize("text", [
    "{}", "[]", " \t\r\n{ } ", '{"a": [1, {"b": []}, "x"], "c": {"d": null}}', '[\n 1 ,\n 2\n]',
    '{"a": 1, "a": 2}', '{"k\\"ey": "v}]"}', '[[[["deep"]]]]', '{"":0}',
])
def test_valid_json_reads_as_json_reads_it(text: str) -> None:
    assert walk_whole(text) == json.loads(text)


@pytest.mark.parametrize("text", [
    "{'a\": 1}", '{"a" 1}', '{"a"= 1}', '{"a": 1 "b": 2}', '{"a": 1; "b": 2}', '{"a": 1,}', "[1,]", "[1 2]",
    "[1; 2]", '{"a": 1]', "[1}", "{", "[1,", '{"a": 1} 2', "", '{"a\x01": 1}', "[,1]", "{,}",
])
def test_what_json_refuses_the_walk_refuses(text: str) -> None:
    with pytest.raises(ValueError):
        json.loads(text)
    with pytest.raises((ValueError, IndexError)):
        walk_whole(text)


def test_find_moves_onto_the_last_duplicate_and_array_items() -> None:
    text = '{"a": 1, "b": [10, 20], "a": 3}'
    walker = JsonWalker(text)
    assert walker.find("a") and walker.value() == 3
    walker = JsonWalker(text)
    assert walker.find("b") and walker.find(1) and walker.value() == 20
    assert not JsonWalker(text).find("z") and not JsonWalker("[1]").find(1)
