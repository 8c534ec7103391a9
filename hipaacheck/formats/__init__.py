"""Output formats: each is one module with one :class:`OutputFormat` subclass that writes to a stream.

Modules are imported only when their format is asked for, so heavy
dependencies (jinja2) never slow down a scan that does not use them.
"""
from __future__ import annotations

import importlib

from ..errors import InputError
from .interface import OutputFormat

# name -> "module:Class"; adding a format is one module plus one line here.
FORMATS: dict[str, str] = {
    "table": "table:TableFormat",
    "json": "json:JsonFormat",
    "html": "html:HtmlFormat",
    "markdown": "markdown:MarkdownFormat",
    "junit": "junit:JunitFormat",
    "sarif": "sarif:SarifFormat",
    "csv": "csv:CsvFormat",
    "ocsf": "ocsf:OcsfFormat",
    "asff": "asff:AsffFormat",
    "oscal": "oscal:OscalFormat",
}


def get_format(name: str, pretty: bool = False, show_passed: bool = False) -> OutputFormat:
    """A format by name; ``pretty`` indents the JSON formats, ``show_passed`` lists passes in the table."""
    target = FORMATS.get(name)
    if target is None:
        raise InputError("--format", f"unknown format {name!r} (known: {', '.join(sorted(FORMATS))})")
    module_name, _, class_name = target.partition(":")
    module = importlib.import_module(f"{__name__}.{module_name}")
    return getattr(module, class_name)(pretty, show_passed)


def parse_formats(value: str) -> list[str]:
    names = [part.strip() for part in value.split(",") if part.strip()]
    if not names:
        raise InputError("--format", "no format given")
    for name in names:
        if name not in FORMATS:
            raise InputError("--format", f"unknown format {name!r} (known: {', '.join(sorted(FORMATS))})")
    return list(dict.fromkeys(names))
