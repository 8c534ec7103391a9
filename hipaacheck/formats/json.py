"""The results document as JSON: the contract CI pipelines and ``report`` read back."""
from __future__ import annotations

import json

from ..results import Results
from .interface import OutputFormat


def dump_json(data: object) -> str:
    return json.dumps(data, indent=2, sort_keys=False, ensure_ascii=False, default=str) + "\n"


class JsonFormat(OutputFormat):
    name = "json"
    filename = "hipaacheck-results.json"

    def render(self, results: Results) -> str:
        return dump_json(results.to_dict())
