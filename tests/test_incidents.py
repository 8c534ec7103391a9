"""The incident and breach register: each deadline control passing, failing and on the boundary day (the
date fixed at 2026-12-01 by ``fixed_today``), a register that cannot be read, and ``hipaacheck incident``
under its lock."""
from __future__ import annotations

import fcntl

import pytest
import yaml
from assertions import input_error

pytestmark = pytest.mark.usefixtures("fixed_today")  # 2026-12-01, from records_fixtures


def breach(**fields) -> dict:
    """A breach discovered 2026-10-02: the 60-day deadline is today, 2026-12-01."""
    return {"id": "INC-1", "discovered": "2026-10-02",
            "assessment": {"date": "2026-10-05", "by": "SEC-01", "breach": True}, **fields}


def findings_for(records, control: str, *incidents: dict) -> list[dict]:
    findings = records.scan("--root", records.empty_root(), "--incidents", records.register(*incidents))
    return [f for f in findings if f["control_id"] == control]


def one(records, control: str, *incidents: dict) -> dict:
    [finding] = findings_for(records, control, *incidents)
    return finding


@pytest.mark.parametrize("discovered, notified, status, key, days", [
    ("2026-10-02", None, "pass", "due_in_days", 0),  # the 60th day: still in time
    ("2026-10-01", None, "fail", "days_overdue", 1),
    ("2026-11-20", None, "pass", "due_in_days", 49),
    ("2026-08-01", "2026-09-30", "pass", None, None),  # on the 60th day
    ("2026-08-01", "2026-10-01", "fail", "days_late", 1),
])
def test_individuals_within_60_days(records, discovered, notified, status, key, days):
    incident = breach(discovered=discovered, assessment={"date": discovered, "by": "SEC-01", "breach": True})
    if notified:
        incident["notifications"] = {"individuals": notified}
    finding = one(records, "incident.notify.individuals", incident)
    assert finding["status"] == status, finding["message"]
    assert finding["citations"] == ["164.308(a)(6)(ii)", "164.404"]
    if key:
        assert finding["evidence"][key] == days and f"{days} days" in finding["message"]


def test_not_a_breach_needs_no_notice_but_an_unassessed_incident_does(records):
    assessed = breach(discovered="2026-01-05", assessment={"date": "2026-01-09", "by": "SEC-01", "breach": False})
    finding = one(records, "incident.notify.individuals", assessed)
    assert finding["status"] == "skip" and "not a breach" in finding["message"]
    unassessed = {"id": "INC-2", "discovered": "2026-01-05"}
    finding = one(records, "incident.notify.individuals", unassessed)
    assert finding["status"] == "fail" and finding["evidence"]["days_overdue"] == 270


@pytest.mark.parametrize("assessment, discovered, status", [
    (None, "2026-11-01", "pass"),  # 30 days: due today
    (None, "2026-10-31", "fail"),
    ({"date": "2026-11-30", "by": "SEC-01", "breach": False}, "2026-10-31", "pass"),
    ({"date": "2026-12-01", "by": "SEC-01", "breach": False}, "2026-10-31", "fail"),  # one day late
])
def test_risk_assessment_within_n_days(records, assessment, discovered, status):
    incident = {"id": "INC-1", "discovered": discovered, **({"assessment": assessment} if assessment else {})}
    finding = one(records, "incident.risk_assessment", incident)
    assert finding["status"] == status, finding["message"]


@pytest.mark.parametrize("total, discovered, notified, status, deadline", [
    (500, "2026-10-02", None, "pass", "2026-12-01"),  # 500 or more: within 60 days of discovery
    (500, "2026-10-01", None, "fail", "2026-11-30"),
    (499, "2026-01-10", None, "pass", "2027-03-01"),  # fewer: 60 days after the end of the year
    (499, "2025-06-01", "2026-03-01", "pass", "2026-03-01"),
    (499, "2025-06-01", "2026-03-02", "fail", "2026-03-01"),
    (120, "2023-06-01", "2024-02-29", "pass", "2024-02-29"),  # a leap year's end of February
])
def test_hhs_deadline_by_size(records, total, discovered, notified, status, deadline):
    incident = breach(discovered=discovered, assessment={"date": discovered, "by": "SEC-01", "breach": True},
                      affected={"total": total})
    if notified:
        incident["notifications"] = {"hhs": notified}
    finding = one(records, "incident.notify.hhs", incident)
    assert (finding["status"], finding["evidence"]["deadline"]) == (status, deadline), finding["message"]


def test_hhs_without_a_count_is_an_error_unless_told_within_60_days(records):
    assert one(records, "incident.notify.hhs", breach())["status"] == "error"
    told = breach(notifications={"hhs": "2026-11-01"})
    assert one(records, "incident.notify.hhs", told)["status"] == "pass"


def test_media_per_state_over_500_residents(records):
    incident = breach(discovered="2026-10-01", assessment={"date": "2026-10-01", "by": "SEC-01", "breach": True},
                      affected={"total": 1600, "by_state": {"CA": 501, "NV": 500, "TX": 599}},
                      notifications={"media": {"CA": "2026-11-30", "TX": "2026-12-01"}})
    found = {f["resource"]["item"]: f for f in findings_for(records, "incident.notify.media", incident)}
    assert sorted(found) == ["CA", "TX"]  # NV: exactly 500, not more
    assert found["CA"]["status"] == "pass" and found["TX"]["status"] == "fail"
    assert found["TX"]["evidence"]["days_late"] == 1
    small = breach(affected={"total": 30, "by_state": {"CA": 30}})
    assert one(records, "incident.notify.media", small)["status"] == "skip"


def test_business_associate_notice_to_covered_entity(records):
    assert one(records, "incident.notify.covered_entity", breach())["status"] == "skip"
    late = breach(business_associate=True, discovered="2026-09-01",
                  assessment={"date": "2026-09-02", "by": "BA-SEC", "breach": True})
    finding = one(records, "incident.notify.covered_entity", late)
    assert finding["status"] == "fail" and finding["evidence"]["days_overdue"] == 31
    on_time = dict(late, notifications={"covered_entity": "2026-10-31"})
    assert one(records, "incident.notify.covered_entity", on_time)["status"] == "pass"


def test_no_register_skips_every_incident_control(records):
    incident = [f for f in records.scan("--root", records.empty_root()) if f["control_id"].startswith("incident.")]
    assert len(incident) == 5 and {f["status"] for f in incident} == {"skip"}
    assert all("--incidents FILE" in f["message"] for f in incident)


@pytest.mark.parametrize("entry, line, expected", [
    ("  - {id: B, discovered: 2026-13-01}\n", ":4", "invalid date"),
    ("  - {id: B, discovered: 2026-01-01, phi: yes}\n", ":4", "$.incidents[1]: unknown field phi"),
    ("  - {id: A, discovered: 2026-01-01}\n", ":4", "$.incidents[1].id: duplicate id 'A' (first at line 3)"),
    ("  - id: B\n    discovered: 2026-01-05\n    notifications: {hhs: 2026-01-04}\n", ":6",
     "$.incidents[1].notifications.hhs: 2026-01-04 is before discovered 2026-01-05"),
    ("  - {id: B, discovered: 2026-01-01, affected: {total: 3, by_state: {CA: 4}}}\n", ":4",
     "$.incidents[1].affected.by_state"),
])
def test_malformed_register_is_one_line_exit_2(cli, records, tmp_path, entry, line, expected):
    path = tmp_path / "incidents.yaml"
    path.write_text("version: 1\nincidents:\n  - {id: A, discovered: 2026-01-01}\n" + entry)
    for args in (("scan", "--root", records.empty_root(), "--profile", "hipaa-workforce", "--incidents", path),
                 ("incident", "list", "--file", path)):
        result = cli(*args)
        input_error(result, f"{path}{line}: ", expected)


def test_incident_commands_record_and_list(cli, records, tmp_path):
    path = tmp_path / "reg" / "incidents.yaml"
    steps = [("add", "INC-7", "--discovered", "2026-10-02", "--description", "stolen laptop, encrypted",
              "--affected", "700", "--affected-state", "CA=650"),
             ("assess", "INC-7", "--breach", "yes", "--date", "2026-10-04", "--by", "SEC-01"),
             ("notify", "INC-7", "--individuals", "2026-10-20", "--media", "CA=2026-10-21"),
             ("notify", "INC-7", "--hhs", "2026-10-30")]
    for step in steps:
        result = cli("incident", *step, "--file", path)
        assert result.code == 0, result.err
    data = yaml.safe_load(path.read_text())
    [incident] = data["incidents"]
    assert incident["notifications"] == {"individuals": "2026-10-20", "media": {"CA": "2026-10-21"},
                                         "hhs": "2026-10-30"}
    assert incident["assessment"] == {"date": "2026-10-04", "by": "SEC-01", "breach": True}
    listing = cli("incident", "list", "--file", path)
    assert "INC-7" in listing.out and "hhs=2026-10-30" in listing.out and "media CA=2026-10-21" in listing.out
    statuses = {f["control_id"]: f["status"] for f in records.scan("--root", records.empty_root(), "--incidents", path)
                if f["control_id"].startswith("incident.")}
    assert statuses == {"incident.risk_assessment": "pass", "incident.notify.individuals": "pass",
                        "incident.notify.hhs": "pass", "incident.notify.media": "pass",
                        "incident.notify.covered_entity": "skip"}


@pytest.mark.parametrize("step, expected", [
    (("add", "INC-7", "--discovered", "2026-10-02"), "already recorded"),
    (("notify", "INC-9", "--hhs", "2026-10-30"), "no incident 'INC-9'"),
    (("notify", "INC-7"), "name at least one of"),
    (("notify", "INC-7", "--hhs", "2026-09-30"), "is before discovered"),
    (("notify", "INC-7", "--hhs", "2026-02-30"), "not a YYYY-MM-DD date"),
])
def test_incident_commands_refuse_bad_changes_and_leave_the_file(cli, tmp_path, step, expected):
    path = tmp_path / "incidents.yaml"
    assert cli("incident", "add", "INC-7", "--discovered", "2026-10-02", "--file", path).code == 0
    before = path.read_bytes()
    result = cli("incident", *step, "--file", path)
    input_error(result, expected)
    assert path.read_bytes() == before


def test_changes_hold_the_register_lock(cli, tmp_path, monkeypatch):
    """While ``incident notify`` runs, nobody else can take the lock (it is held across read and write)."""
    from hipaacheck import incidents

    path = tmp_path / "incidents.yaml"
    assert cli("incident", "add", "INC-7", "--discovered", "2026-10-02", "--file", path).code == 0
    seen = []
    save = incidents.save_register

    def probe(reg):
        with open(tmp_path / ".incidents.yaml.lock", "a") as other:
            try:
                fcntl.flock(other, fcntl.LOCK_EX | fcntl.LOCK_NB)
                seen.append("free")
            except BlockingIOError:
                seen.append("held")
        save(reg)

    monkeypatch.setattr(incidents, "save_register", probe)
    assert cli("incident", "notify", "INC-7", "--hhs", "2026-10-30", "--file", path).code == 0
    assert seen == ["held"]
    assert not [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")]  # the atomic write left no temp file


def test_html_report_shows_training_by_role_and_a_breach_timeline(cli, records, tmp_path):
    roster = records.roster([
        {"id": "E1", "role": "nurse <ward>", "hire_date": "2020-01-01", "last_training_date": "2026-06-01"},
        {"id": "E2", "role": "nurse <ward>", "hire_date": "2020-01-01", "last_training_date": "2025-01-01"},
        {"id": "E3", "role": "clerk", "hire_date": "2026-11-30"}])
    incident = breach(affected={"total": 40}, notifications={"individuals": "2026-11-02"})
    out = tmp_path / "out"
    result = cli("scan", "--root", records.empty_root(), "--profile", "hipaa-workforce", "--format", "json,html",
                 "--output-dir", out, "--workforce", roster, "--incidents", records.register(incident))
    assert result.code == 1, result.err
    html = (out / "hipaacheck-report.html").read_text()
    training = html[html.index("<h2>Workforce training by role</h2>"):html.index("<h2>Breach timeline</h2>")]
    assert "nurse &lt;ward&gt;" in training and "<ward>" not in training
    rows = {row.split("</td>")[0]: row for row in training.split("<tr><td>")[1:]}
    assert 's-fail">1<' in rows["nurse &lt;ward&gt;"] and 's-pass">1<' in rows["nurse &lt;ward&gt;"]
    assert 's-pass">1<' in rows["clerk"] and "s-fail" not in rows["clerk"]
    timeline = html[html.index("<h2>Breach timeline</h2>"):html.index("<h2 id=\"controls\">Controls</h2>")]
    dates = [cell.split("<")[0] for cell in timeline.split('<td class="mono">')[1:]]
    assert dates == sorted(dates) and dates[0] == "2026-10-02"  # discovery first
    for event in ("discovered", "risk assessment", "notice to individuals", "notice to HHS due", "2027-03-01"):
        assert event in timeline
    again = tmp_path / "again"
    assert cli("report", out / "hipaacheck-results.json", "--format", "html", "--output-dir", again).code == 0
    assert (again / "hipaacheck-report.html").read_text().count("<h2>Breach timeline</h2>") == 1


def test_breach_rule_sections_are_citable_but_not_security_rule_coverage(cli, tmp_path):
    from hipaacheck.security_rule import security_rule

    rule = security_rule()
    assert len(rule) == 68 and len(list(rule)) == 68
    assert [p.citation for p in rule.related] == ["164.404", "164.406", "164.408", "164.410"]
    assert rule.resolve("164.408").title == "Notification to the Secretary"
    coverage = cli("coverage", "--profile", "hipaa-full", "--format", "json").json()
    assert len(coverage["rows"]) == 68 and not [r for r in coverage["rows"] if r["citation"].startswith("164.4")]
    control = tmp_path / "only_breach.yaml"
    control.write_text("id: acme.breach\ntitle: t\ndescription: d\nrationale: r\nseverity: low\n"
                       "citations: ['164.404']\nresource_type: incident.record\ncheck: incident.notify_individuals\n"
                       "remediation: {summary: s}\n")
    result = cli("controls", "validate", control)
    input_error(result, "$.citations")  # a related rule only beside a Security Rule paragraph
    control.write_text(control.read_text().replace("['164.404']", "['164.308(a)(6)(ii)', '164.404']"))
    assert cli("controls", "validate", control).code == 0


def test_the_people_view_picks_findings_by_check_not_by_control_id():
    from hipaacheck.formats.people import people_view
    from hipaacheck.model import Finding

    def finding(control: str, check: str, evidence: dict) -> Finding:
        return Finding(control, check, "fail", "high", {"type": "incident.breach", "id": "INC-9"}, [], "late", evidence)

    view = people_view([finding("acme.training.yearly", "workforce.training", {"role": "nurse"}),
                        finding("acme.notice.hhs", "incident.notify_hhs", {"discovered": "2026-10-02",
                                                                          "deadline": "2026-12-01"}),
                        finding("workforce.training.current", "attribute", {"role": "not the training check"})])
    assert [(r.role, r.counts) for r in view.training] == [("nurse", {"fail": 1})]
    [timeline] = view.timelines
    assert [(e.date, e.what) for e in timeline.events] == [("2026-10-02", "discovered"), ("2026-12-01", "notice to HHS due")]
