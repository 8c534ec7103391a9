"""OCSF Compliance Finding (class 2003): the fields and enums SIEMs key on."""
from __future__ import annotations

import json
from pathlib import Path

from hipaacheck.formats.ocsf import OcsfFormat
from hipaacheck.results import Results

FIXTURE = Path(__file__).resolve().parent / "fixtures" / "results" / "mixed.json"


def test_one_compliance_finding_per_finding() -> None:
    results = Results.load(FIXTURE)
    events = json.loads(OcsfFormat().render(results))
    assert len(events) == len(results.findings)
    for event in events:
        assert (event["class_uid"], event["category_uid"], event["type_uid"]) == (2003, 2, 200301)
        assert event["metadata"]["product"]["name"] == "hipaacheck" and event["metadata"]["version"]
        assert event["finding_info"]["uid"] and event["finding_info"]["title"]
        assert event["compliance"]["standards"] and event["compliance"]["control"]
        assert event["resources"][0]["uid"]
        assert event["time"] == 1772330490000  # the run's finished_at, not the clock
    assert len({e["finding_info"]["uid"] for e in events}) == len(events)


def test_status_and_severity_mapping() -> None:
    events = json.loads(OcsfFormat().render(Results.load(FIXTURE)))
    by = {(e["compliance"]["control"], e["resources"][0]["uid"]): e for e in events}
    failed = by[("aws.s3.default_encryption", "arn:aws:s3:::phi-exports")]
    assert failed["compliance"]["status_id"] == 3 and failed["severity_id"] == 4 and failed["status_id"] == 1
    assert failed["compliance"]["requirements"] == ["164.312(a)(2)(iv)", "164.312(e)(2)(ii)"]
    assert failed["cloud"]["account"]["uid"] == "123456789012" and failed["remediation"]["desc"]
    passed = by[("aws.s3.default_encryption", "arn:aws:s3:::phi-archive")]
    assert passed["compliance"]["status_id"] == 1 and passed["status_id"] == 4
    waived = by[("aws.s3.default_encryption", "arn:aws:s3:::public-website")]
    assert waived["status_id"] == 3  # suppressed
    error = by[("aws.cloudtrail.multi_region", "*")]
    assert error["compliance"]["status_id"] == 2 and error["severity_id"] == 5  # never reported as a pass
    host = by[("host.login_defs.pass_max_days", "/etc/login.defs")]
    assert "cloud" not in host
