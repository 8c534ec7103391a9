"""Table rows identify their resource (short name, region, account) and fit the terminal; --wide shows full ids."""
from __future__ import annotations

from hipaacheck.formats.table import TableFormat, short_name
from hipaacheck.model import Finding
from hipaacheck.results import Results

ACCOUNT = "123456789012"


def db(name: str, region: str = "us-east-1") -> Finding:
    arn = f"arn:aws:rds:{region}:{ACCOUNT}:db:{name}"
    return Finding("aws.rds.storage_encrypted", "attribute", "fail", "high",
                   {"type": "aws.rds.instance", "id": arn, "region": region, "account": ACCOUNT}, ["164.312(a)(2)(iv)"],
                   f"{name} stores data unencrypted; enable storage encryption with a KMS key for this instance")


def results() -> Results:
    names = ["patient-records-production-primary-1", "patient-records-production-primary-2",
             "patient-records-production-replica-eu"]
    return Results([db(names[0]), db(names[1]), db(names[2], "eu-west-1")], {"source": "aws"})


def test_short_names():
    assert short_name(f"arn:aws:rds:us-east-1:{ACCOUNT}:db:prod") == "prod"
    assert short_name(f"arn:aws:iam::{ACCOUNT}:user/ops/bob") == "ops/bob"
    assert short_name("arn:aws:s3:::app-data") == "app-data"
    assert short_name(f"arn:aws:logs:us-east-1:{ACCOUNT}:log-group:/aws/lambda/x") == "/aws/lambda/x"
    assert short_name("/etc/login.defs") == "/etc/login.defs"


def rows(lines: list[str]) -> list[str]:
    return [line for line in lines if line.startswith("FAIL ")]


def test_rows_tell_resources_apart_with_region_and_account_and_fit_the_width():
    lines = list(TableFormat(width=100).body(results()))
    assert lines[0].split()[:6] == ["STATUS", "SEVERITY", "CONTROL", "RESOURCE", "REGION", "ACCOUNT"]
    assert all(len(line) <= 100 for line in lines[:lines.index("")])
    assert list(TableFormat(width=400).body(results()))[0].split()[-1] == "DETAIL"
    resources = [line.split()[3] for line in rows(lines)]
    assert len(set(resources)) == 3, resources  # cut in the middle: the distinguishing ends survive
    assert sorted(line.split()[4] for line in rows(lines)) == ["eu-west-1", "us-east-1", "us-east-1"]
    assert all(line.split()[5] == ACCOUNT for line in rows(lines))


def test_wide_shows_full_ids_uncut():
    lines = list(TableFormat(width=100, wide=True).body(results()))
    assert f"arn:aws:rds:us-east-1:{ACCOUNT}:db:patient-records-production-primary-1" in lines[2] + lines[3] + lines[4]
    assert "…" not in "".join(rows(lines))


def test_host_findings_have_no_region_or_account_columns():
    finding = Finding("host.x", "attribute", "fail", "low", {"type": "host.login_defs", "id": "/etc/login.defs"},
                      ["164.312(d)"], "bad")
    header = next(iter(TableFormat().body(Results([finding], {}))))
    assert "REGION" not in header and "ACCOUNT" not in header


def test_console_honours_columns(tmp_path, cli, monkeypatch):
    from posture_fixtures import make_env, scan_args

    env = make_env(tmp_path)
    monkeypatch.setenv("COLUMNS", "70")
    lines = cli(*scan_args(env)).out.splitlines()
    table = lines[:lines.index("")]
    assert all(len(line) <= 70 for line in table), table
    assert [line.startswith("    ") for line in table[2:]] == [False, True, False, True]  # detail below each row
    monkeypatch.setenv("COLUMNS", "200")
    assert any(len(line) > 70 for line in cli(*scan_args(env)).out.splitlines())


def test_an_80_column_terminal_fits_aws_rows():
    lines = list(TableFormat(width=80).body(results()))
    table = lines[:lines.index("")]
    assert all(len(line) <= 80 for line in table), table
    assert len({line.split()[3] for line in rows(table)}) == 3
