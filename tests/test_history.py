"""History database: three runs' trend, concurrent writers, migrations, and the history command."""
from __future__ import annotations

import json
import multiprocessing
import sqlite3

import pytest

from hipaacheck.errors import InputError
from hipaacheck.history import MIGRATIONS, SCHEMA_VERSION, connect, record_run, runs, trend
from hipaacheck.model import Finding
from assertions import input_error
from posture_fixtures import make_env, scan_args, set_host

RUN = {"started_at": "2026-06-01T02:00:00Z", "source": "host", "target": {"host": "db1"}, "profile": {"id": "p"}}


def findings(*statuses: str) -> list[Finding]:
    return [Finding(f"c{i}", "attribute", s, "high", {"type": "host.x", "id": "/etc/x"}, ["164.312(d)"], "m")
            for i, s in enumerate(statuses)]


def test_schema_version_wal_and_new_failures_against_previous_run(tmp_path):
    db = tmp_path / "h.db"
    conn = connect(db)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    record_run(conn, RUN, findings("fail", "pass", "pass"), "0.1")
    record_run(conn, {**RUN, "started_at": "2026-06-02T02:00:00Z"}, findings("fail", "fail", "error"), "0.1")
    other_host = {**RUN, "started_at": "2026-06-02T03:00:00Z", "target": {"host": "db2"}}
    record_run(conn, other_host, findings("fail", "fail", "fail"), "0.1")
    rows = runs(conn)
    assert [(r.new_failures, r.pass_rate) for r in rows] == [(1, 0.6667), (1, 0.0), (3, 0.0)]
    assert [t["run_at"] for t in trend(conn, RUN)] == ["2026-06-01T02:00:00Z", "2026-06-02T02:00:00Z"]
    assert [r.id for r in runs(conn, since="2026-06-02")] == [2, 3]


def test_old_schema_is_migrated_forward_keeping_data(tmp_path):
    db = tmp_path / "h.db"
    raw = sqlite3.connect(db)
    raw.executescript(MIGRATIONS[0] + "; PRAGMA user_version = 1;")
    raw.execute("INSERT INTO runs VALUES (7, '2026-01-01', 's', 'host', '{}', 'p', '0.0', 1, 1,0,0,0,0,0, 1.0, 0)")
    raw.commit()
    raw.close()
    conn = connect(db)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    assert [r.id for r in runs(conn)] == [7]
    indexes = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'index'")}
    assert {"runs_scope_time", "findings_control"} <= indexes


def test_newer_or_foreign_database_is_refused(tmp_path):
    newer = tmp_path / "newer.db"
    raw = sqlite3.connect(newer)
    raw.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    raw.close()
    with pytest.raises(InputError, match="newer than this hipaacheck"):
        connect(newer)
    junk = tmp_path / "junk.db"
    junk.write_text("not a database, just text " * 100)
    with pytest.raises(InputError, match="not a usable SQLite database"):
        connect(junk)
    with pytest.raises(InputError, match="is a directory"):
        connect(tmp_path)


def _writer(db: str, host: str, barrier) -> None:
    conn = connect(db)
    barrier.wait()
    for night in range(5):
        run = {**RUN, "started_at": f"2026-06-0{night + 1}T02:00:00Z", "target": {"host": host}}
        record_run(conn, run, findings(*["fail", "pass"] * 200), "0.1")
    conn.close()


def test_two_processes_writing_at_once(tmp_path):
    db = str(tmp_path / "h.db")
    ctx = multiprocessing.get_context("spawn")
    barrier = ctx.Barrier(2)
    workers = [ctx.Process(target=_writer, args=(db, host, barrier)) for host in ("a", "b")]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(120)
    assert [w.exitcode for w in workers] == [0, 0]
    conn = connect(db)
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert conn.execute("SELECT COUNT(*) FROM runs").fetchone()[0] == 10
    assert conn.execute("SELECT COUNT(*) FROM findings").fetchone()[0] == 10 * 400
    per_host = conn.execute("SELECT target, COUNT(*) FROM runs GROUP BY target ORDER BY target").fetchall()
    assert per_host == [('{"host": "a"}', 5), ('{"host": "b"}', 5)]


def test_three_scans_record_trend_and_history_command(tmp_path, cli):
    env = make_env(tmp_path)  # run 1: max_days and min_days fail, warn_age passes
    db = tmp_path / "history.db"
    docs = []
    for max_days, min_days, warn_age in ((99999, 0, 7), (90, 0, 7), (90, 0, 1)):
        set_host(env["root"], max_days, min_days, warn_age)
        docs.append(cli(*scan_args(env, "--history", db, "--format", "json")).json())
    trend = docs[-1]["trend"]
    assert [t["pass_rate"] for t in trend] == [0.3333, 0.6667, 0.3333]
    assert [t["new_failures"] for t in trend] == [2, 0, 1]  # run 3: warn_age newly failing
    assert [t["run_at"] for t in trend] == [d["run"]["started_at"] for d in docs]
    assert len(docs[0]["trend"]) == 1

    data = json.loads(cli("history", "--db", db, "--format", "json").out)
    assert [r["counts"]["fail"] for r in data["runs"]] == [2, 1, 2]
    fails = {cid: [c["counts"].get("fail", 0) for c in cells] for cid, cells in data["controls"].items()}
    assert fails == {"posture.max_days": [1, 0, 0], "posture.min_days": [1, 1, 1], "posture.warn_age": [0, 0, 1]}
    assert [c["pass_rate"] for c in data["citations"]["164.312(d)"]] == [0.5, 0.5, 0.0]

    table = cli("history", "--db", db).out
    assert "Failures per control" in table and "Pass rate per citation" in table
    max_row = next(line for line in table.splitlines() if line.startswith("posture.max_days"))
    assert max_row.split()[1:] == ["1", "0", "0", "better"]
    warn_row = next(line for line in table.splitlines() if line.startswith("posture.warn_age"))
    assert warn_row.split()[-1] == "worse"
    future = json.loads(cli("history", "--db", db, "--since", "2999-01-01", "--format", "json").out)
    assert future["runs"] == []


def test_history_command_input_errors(tmp_path, cli):
    input_error(cli("history", "--db", tmp_path / "none.db"), "none.db")
    input_error(cli("history", "--db", tmp_path / "none.db", "--since", "yesterday"), "--since")
