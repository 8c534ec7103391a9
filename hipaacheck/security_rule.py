"""The 68 paragraphs of the HIPAA Security Rule (45 CFR 164.308-164.316), shipped as data.

The same file lists related rules outside the Security Rule (the Breach Notification Rule, 164.404-164.410)
that controls may cite beside it: they resolve as citations but are not among the 68 paragraphs.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class Paragraph:
    citation: str
    title: str
    kind: str  # "standard" | "implementation_specification" | "related_rule"
    parent: str | None
    designation: str  # "required" | "addressable" | "n/a"
    safeguard: str
    summary: str
    aliases: tuple[str, ...] = ()
    nist_800_53: tuple[str, ...] = field(default_factory=tuple)

    @property
    def section(self) -> str:
        return self.citation.split("(", 1)[0]


@dataclass(frozen=True)
class SecurityRule:
    paragraphs: tuple[Paragraph, ...]  # the 68: what iterating and len() give
    _by_name: dict[str, Paragraph]
    related: tuple[Paragraph, ...] = ()  # cited beside them, never counted as Security Rule coverage

    def resolve(self, citation: str) -> Paragraph | None:
        """Return the canonical paragraph for a citation or one of its aliases."""
        return self._by_name.get(normalize(citation))

    def __iter__(self):
        return iter(self.paragraphs)

    def __len__(self) -> int:
        return len(self.paragraphs)


def normalize(citation: str) -> str:
    text = citation.strip().replace(" ", "")
    for prefix in ("45CFR", "§"):
        if text.startswith(prefix):
            text = text[len(prefix):]
    return text


def _parse_catalog(path: Path) -> Any:
    import yaml

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    return yaml.load(path.read_text("utf-8"), Loader=loader)  # noqa: S506 - safe loader


@lru_cache(maxsize=1)
def security_rule() -> SecurityRule:
    from .content_cache import load_shipped

    doc = load_shipped(Path(__file__).resolve().parent / "data" / "hipaa_security_rule.yaml", _parse_catalog)
    by_name: dict[str, Paragraph] = {}
    paragraphs = _paragraphs(doc["entries"], by_name)
    related = _paragraphs(doc.get("related_rules") or [], by_name)
    return SecurityRule(tuple(paragraphs), by_name, tuple(related))


def _paragraphs(entries: list[dict], by_name: dict[str, Paragraph]) -> list[Paragraph]:
    paragraphs = []
    for entry in entries:
        para = Paragraph(
            citation=entry["citation"],
            title=entry["title"],
            kind=entry["kind"],
            parent=entry.get("parent"),
            designation=entry["designation"],
            safeguard=entry["safeguard"],
            summary=entry.get("summary", ""),
            aliases=tuple(entry.get("aliases") or ()),
            nist_800_53=tuple(entry.get("nist_800_53") or ()),
        )
        paragraphs.append(para)
        for name in (para.citation, *para.aliases):
            by_name.setdefault(normalize(name), para)
    return paragraphs
