"""Run history in SQLite: one row per run, one per finding, for trends and "what changed".

Safe for several scans writing at once (nightly jobs for many hosts into one
file): WAL journal, a busy timeout, and every run written inside one
``BEGIN IMMEDIATE`` transaction. The schema version lives in
``PRAGMA user_version`` and is migrated forward on open.
"""
from __future__ import annotations

import json
import sqlite3
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable, Iterator

from .baseline import FAILING
from .errors import InputError
from .model import STATUSES, Finding, count_by_status  # STATUSES: the columns, in the contract order

BUSY_TIMEOUT_MS = 60_000
TREND_RUNS = 10

MIGRATIONS: tuple[str, ...] = (
    # 1: runs and their findings
    """
    CREATE TABLE runs (
        id INTEGER PRIMARY KEY,
        run_at TEXT NOT NULL,
        scope TEXT NOT NULL,
        source TEXT NOT NULL,
        target TEXT NOT NULL,
        profile TEXT NOT NULL,
        tool_version TEXT NOT NULL,
        total INTEGER NOT NULL,
        pass INTEGER NOT NULL, fail INTEGER NOT NULL, error INTEGER NOT NULL,
        skip INTEGER NOT NULL, waived INTEGER NOT NULL, manual INTEGER NOT NULL,
        pass_rate REAL,
        new_failures INTEGER NOT NULL
    );
    CREATE TABLE findings (
        run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
        key TEXT NOT NULL,
        control_id TEXT NOT NULL,
        status TEXT NOT NULL,
        severity TEXT NOT NULL,
        resource TEXT NOT NULL,
        citations TEXT NOT NULL,
        message TEXT NOT NULL,
        drift TEXT
    );
    CREATE INDEX findings_run ON findings(run_id);
    """,
    # 2: trend queries filter by scope and time, and per control
    """
    CREATE INDEX runs_scope_time ON runs(scope, run_at);
    CREATE INDEX findings_control ON findings(control_id, run_id);
    """,
)
SCHEMA_VERSION = len(MIGRATIONS)


@dataclass(frozen=True)
class RunRow:
    id: int
    run_at: str
    scope: str
    source: str
    target: dict[str, Any]
    profile: str
    counts: dict[str, int]
    pass_rate: float | None
    new_failures: int

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "run_at": self.run_at, "source": self.source, "target": self.target,
                "profile": self.profile, "counts": self.counts, "pass_rate": self.pass_rate,
                "new_failures": self.new_failures}


def pass_rate(counts: dict[str, int]) -> float | None:
    """Share of evaluated findings that passed: pass / (pass + fail + waived + error).

    Errors count against it (what could not be seen is not compliant);
    skip and manual are left out. ``None`` when nothing was evaluated.
    """
    evaluated = sum(counts.get(s, 0) for s in ("pass", "fail", "waived", "error"))
    return round(counts.get("pass", 0) / evaluated, 4) if evaluated else None


def scope_of(run: dict[str, Any]) -> str:
    """Runs are compared only with earlier runs of the same source, target and profile."""
    profile = (run.get("profile") or {}).get("id", "")
    return json.dumps({"source": run.get("source"), "target": run.get("target") or {}, "profile": profile},
                      sort_keys=True)


def connect(path: Path | str) -> sqlite3.Connection:
    """Open (creating if needed) and migrate the history database."""
    path = Path(path)
    if path.is_dir():
        raise InputError(str(path), "--history: is a directory, expected a database file")
    if not path.parent.is_dir():
        raise InputError(str(path), "--history: folder does not exist")
    try:
        conn = sqlite3.connect(str(path), timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None)
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA foreign_keys = ON")
        _migrate(conn, path)
    except sqlite3.DatabaseError as exc:
        raise InputError(str(path), f"--history: not a usable SQLite database ({exc})") from None
    return conn


@contextmanager
def _transaction(conn: sqlite3.Connection) -> Iterator[None]:
    """BEGIN IMMEDIATE (take the write lock up front, so concurrent writers queue) ... COMMIT, or ROLLBACK."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield
        conn.execute("COMMIT")
    except BaseException:
        if conn.in_transaction:  # SQLite may have rolled back itself (a full disk): the real error goes on
            try:
                conn.execute("ROLLBACK")
            except sqlite3.Error:
                pass
        raise


def _migrate(conn: sqlite3.Connection, path: Path) -> None:
    version = conn.execute("PRAGMA user_version").fetchone()[0]
    if version > SCHEMA_VERSION:
        raise InputError(str(path), f"--history: schema version {version} is newer than this hipaacheck "
                                    f"understands ({SCHEMA_VERSION}); upgrade hipaacheck")
    if version == SCHEMA_VERSION:
        return
    with _transaction(conn):
        version = conn.execute("PRAGMA user_version").fetchone()[0]  # another writer may have migrated
        for number in range(version + 1, SCHEMA_VERSION + 1):
            for statement in MIGRATIONS[number - 1].split(";"):
                if statement.strip():
                    conn.execute(statement)
            conn.execute(f"PRAGMA user_version = {number}")


def _failing_keys(conn: sqlite3.Connection, run_id: int) -> set[str]:
    marks = ",".join("?" * len(FAILING))
    rows = conn.execute(f"SELECT key FROM findings WHERE run_id = ? AND status IN ({marks})", (run_id, *FAILING))
    return {row[0] for row in rows}


def record_run(conn: sqlite3.Connection, run: dict[str, Any], findings: list[Finding],
               tool_version: str, new_failures: int | None = None) -> int:
    """Append one run in a single transaction; returns its id.

    Without ``new_failures`` (no ``--baseline``), new failures are counted
    against the previous run of the same scope (all failures for the first).
    """
    try:
        return _record(conn, run, findings, tool_version, new_failures)
    except sqlite3.Error as exc:
        raise InputError(_db_name(conn), f"--history: cannot record the run ({exc})") from None


def _db_name(conn: sqlite3.Connection) -> str:
    row = conn.execute("PRAGMA database_list").fetchone()
    return str(row[2]) if row and row[2] else "history database"


def _record(conn: sqlite3.Connection, run: dict[str, Any], findings: list[Finding], tool_version: str,
            new_failures: int | None) -> int:
    counts = count_by_status(findings)
    scope = scope_of(run)
    with _transaction(conn):
        if new_failures is None:
            previous = conn.execute("SELECT id FROM runs WHERE scope = ? ORDER BY run_at DESC, id DESC LIMIT 1",
                                    (scope,)).fetchone()
            before = _failing_keys(conn, previous[0]) if previous else set()
            new_failures = sum(1 for f in findings if f.status == "fail" and f.identity not in before)
        cursor = conn.execute(
            "INSERT INTO runs (run_at, scope, source, target, profile, tool_version, total, pass, fail, error,"
            " skip, waived, manual, pass_rate, new_failures) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
            (run.get("started_at", ""), scope, run.get("source", ""), json.dumps(run.get("target") or {},
             sort_keys=True), (run.get("profile") or {}).get("id", ""), tool_version, len(findings),
             *(counts[s] for s in STATUSES), pass_rate(counts),
             new_failures))
        run_id = cursor.lastrowid
        assert run_id is not None  # an INSERT always sets it
        conn.executemany(
            "INSERT INTO findings (run_id, key, control_id, status, severity, resource, citations, message, drift)"
            " VALUES (?,?,?,?,?,?,?,?,?)",
            [(run_id, f.identity, f.control_id, f.status, f.severity, json.dumps(f.resource, sort_keys=True),
              json.dumps(f.citations), f.message, f.extra.get("drift")) for f in findings])
    return run_id


def _row(conn: sqlite3.Connection, row: sqlite3.Row) -> RunRow:
    counts = {s: row[s] for s in STATUSES}
    target = _json_cell(conn, row["target"], f"runs row {row['id']}: target", dict)
    return RunRow(row["id"], row["run_at"], row["scope"], row["source"], target,
                  row["profile"], counts, row["pass_rate"], row["new_failures"])


def _json_cell(conn: sqlite3.Connection, text: Any, where: str, kind: type) -> Any:
    """A JSON column as the history wrote it; anything else (a hand edit, a broken copy) names the row."""
    from .yamlio import parse_json

    value = parse_json(text, f"{_db_name(conn)}: {where}") if isinstance(text, (str, bytes)) else None
    if not isinstance(value, kind):
        raise InputError(_db_name(conn), f"--history: {where} is not a JSON {kind.__name__}")
    return value


def runs(conn: sqlite3.Connection, since: str | None = None, scope: str | None = None) -> list[RunRow]:
    """Runs oldest first, optionally from ``since`` (an ISO date or time prefix) on."""
    conn.row_factory = sqlite3.Row
    sql, params = "SELECT * FROM runs WHERE 1=1", []
    if since:
        sql += " AND run_at >= ?"
        params.append(since)
    if scope:
        sql += " AND scope = ?"
        params.append(scope)
    return [_row(conn, r) for r in conn.execute(sql + " ORDER BY run_at, id", params)]


def trend(conn: sqlite3.Connection, run: dict[str, Any], last: int = TREND_RUNS) -> list[dict[str, Any]]:
    """The last ``last`` runs of this run's scope, oldest first: ``{run_at, pass_rate, new_failures}``."""
    with reading(conn):
        rows = runs(conn, scope=scope_of(run))[-last:]
    return [{"run_at": r.run_at, "pass_rate": r.pass_rate, "new_failures": r.new_failures} for r in rows]


@contextmanager
def reading(conn: sqlite3.Connection) -> Iterator[None]:
    """Reads from the database: an SQLite failure (a damaged file) is one line naming it."""
    try:
        yield
    except sqlite3.Error as exc:
        raise InputError(_db_name(conn), f"--history: cannot read ({exc})") from None


def _finding_rows(conn: sqlite3.Connection, columns: str, run_ids: Iterable[int]) -> list[tuple]:
    ids = list(run_ids)
    if not ids:
        return []
    marks = ",".join("?" * len(ids))
    return [tuple(row) for row in conn.execute(f"SELECT {columns} FROM findings WHERE run_id IN ({marks})", ids)]


def _add(out: dict[str, dict[int, dict[str, int]]], name: str, run_id: int, status: str, count: int = 1) -> None:
    cell = out.setdefault(name, {}).setdefault(run_id, {})
    cell[status] = cell.get(status, 0) + count


def status_matrix(conn: sqlite3.Connection, run_ids: Iterable[int]) -> dict[str, dict[int, dict[str, int]]]:
    """Per control, per run: counts by status."""
    out: dict[str, dict[int, dict[str, int]]] = {}
    for control_id, run_id, status in _finding_rows(conn, "control_id, run_id, status", run_ids):
        _add(out, control_id, run_id, status)
    return out


def citation_matrix(conn: sqlite3.Connection, run_ids: Iterable[int]) -> dict[str, dict[int, dict[str, int]]]:
    """Per citation, per run: counts by status (a finding counts once for each citation it carries)."""
    out: dict[str, dict[int, dict[str, int]]] = {}
    for citations, run_id, status in _finding_rows(conn, "citations, run_id, status", run_ids):
        for citation in _json_cell(conn, citations, f"a finding of run {run_id}: citations", list):
            if not isinstance(citation, str):
                raise InputError(_db_name(conn), f"--history: a finding of run {run_id} has a citation that is "
                                                 "not text")
            _add(out, citation, run_id, status)
    return out
