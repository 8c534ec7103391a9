"""Reading a results file lean: each finding becomes a :class:`~hipaacheck.model.Finding` as soon as it is
parsed, so the dicts of 400k findings never all exist, and a value repeated over findings is held once.

The top-level object is walked member by member (:class:`~hipaacheck.jsonwalk.JsonWalker`): every member but
``findings`` is decoded whole, each finding alone and checked against the schema's finding part. Findings share
equal strings, citations, resources and evidence, as the engine's findings share a control's citations and a
resource's reference: code replaces these and never changes them in place; each finding's ``extra`` is its own.
Text the walk does not expect (invalid JSON, nesting too deep, a top level that is not an object) is parsed
whole as before, so every such error reads as it always has.
"""
from __future__ import annotations

from functools import partial
from pathlib import Path
from typing import Any

from .jsonwalk import JsonWalker
from .model import Finding
from .validation import check_version, compiled, validate_document
from .yamlio import parse_json, read_json_text, read_text

FINDINGS = "findings"
FINDING_SCHEMA = "results#/properties/findings/items"


def read_results(path: Path, supported_version: str) -> tuple[dict[str, Any], list[Finding]]:
    """The validated results document at ``path`` without its ``findings``, and those findings."""
    text, where, too_deep = read_json_text(path)
    json_text = partial(read_text, path)  # read again only to name an error's line
    try:
        if too_deep:
            raise ValueError("nested too deep")  # parse_json names it, after any syntax error, as before
        data, findings, invalid = _walk(text)
    except (ValueError, IndexError):
        data = parse_json(text, where, too_deep)  # names what json refuses; the walk refuses nothing more
        del text
        validate_document(data, "results", path, json_text)
        findings = _consume(data.pop(FINDINGS))
    else:
        del text
        validate_document(data, "results", path, json_text)  # its findings are [] here: each was checked alone
        data.pop(FINDINGS, None)
        if invalid is not None:
            validate_document(invalid[1], FINDING_SCHEMA, path, json_text, at=(FINDINGS, invalid[0]))
    check_version(data, path, "results", supported_version)
    return data, findings


def _walk(text: str) -> tuple[dict[str, Any], list[Finding], tuple[int, Any] | None]:
    """The document with ``findings: []``, its findings, and its first invalid finding (index and value) if any."""
    walker = JsonWalker(text)
    data: dict[str, Any] = {}
    findings: list[Finding] = []
    invalid = None
    for key in walker.keys():
        if key != FINDINGS:
            data[key] = walker.value()
        else:  # of duplicate keys the last counts, as json keeps it
            data[key] = []
            findings, invalid = _read_findings(walker)
    if not walker.at_end():
        raise ValueError("extra data")
    return data, findings, invalid


def _read_findings(walker: JsonWalker) -> tuple[list[Finding], tuple[int, Any] | None]:
    """The findings of the array at ``walker``; after an invalid one, the rest are only parsed."""
    import fastjsonschema

    check, shared = compiled(FINDING_SCHEMA), Shared()
    findings: list[Finding] = []
    invalid = None
    for index in walker.indexes():
        item = walker.value()
        if invalid is None:
            try:
                check(item)
            except fastjsonschema.JsonSchemaValueException:
                invalid = (index, item)
                findings.clear()
                continue
            findings.append(shared.finding(item))
    return findings, invalid


def _consume(raw: list[Any]) -> list[Finding]:
    """Findings from their parsed, validated dicts, letting go of each dict once converted."""
    shared = Shared()
    findings = []
    for index, item in enumerate(raw):
        raw[index] = None
        findings.append(shared.finding(item))
    return findings


class Shared:
    """Converts valid finding dicts, keeping one object for each distinct value met."""

    def __init__(self) -> None:
        self.strings: dict[str, str] = {}
        self.citations: dict[tuple[str, ...], list[str]] = {}
        self.resources: dict[tuple[Any, ...], dict[str, Any]] = {}
        self.evidence: dict[str, dict[str, Any]] = {}

    def finding(self, data: dict[str, Any]) -> Finding:
        share = self.strings.setdefault
        data = {share(k, k): share(v, v) if type(v) is str else v for k, v in data.items()}
        data["resource"] = self.resource(data["resource"])
        citations = data["citations"]
        data["citations"] = self.citations.setdefault(tuple(citations), citations)
        evidence = data["evidence"]
        data["evidence"] = self.evidence.setdefault(repr(evidence), evidence)  # repr tells 1, 1.0 and true apart
        return Finding.from_dict(data, copy=False)

    def resource(self, resource: dict[str, Any]) -> dict[str, Any]:
        """The one dict for resources equal to ``resource`` (itself if a value is not hashable)."""
        try:
            found = self.resources.get(tuple(resource.items()))
        except TypeError:
            return resource
        if found is None:
            share = self.strings.setdefault
            found = {share(k, k): share(v, v) if type(v) is str else v for k, v in resource.items()}
            self.resources[tuple(found.items())] = found
        return found
