"""One ``--deadline`` for every source (hipaacheck.sources.deadline), and numeric source options that refuse
nonsense (0, negatives, nan, inf) wherever they come from: the command line, the environment, a config file."""
from __future__ import annotations

import pytest
from assertions import input_error

from conftest import FIXTURES
from hipaacheck.sources.deadline import Deadline, DeadlineExceeded
from hipaacheck.sources.host.files import HostContext

NOWHERE = "127.0.0.1:9"  # loopback discard port: nothing is reached even if a refusal were lost
SOURCE_ARGS = {"host": ["--source", "host"],  # --root is added per test
               "aws": ["--source", "aws", "--endpoint-url", f"http://{NOWHERE}", "--regions", "us-east-1"],
               "ssh": ["--source", "ssh", "--target", NOWHERE]}


class Clock:
    """A clock that moves only when told to; counts its looks."""

    def __init__(self) -> None:
        self.now, self.looks = 1000.0, 0

    def __call__(self) -> float:
        self.looks += 1
        return self.now


# --- the shared Deadline ---------------------------------------------------------------------------------

def test_a_deadline_passes_once_its_seconds_have_gone_by() -> None:
    clock = Clock()
    deadline = Deadline.from_seconds(30, clock)
    clock.now += 30  # exactly at the deadline: not yet past it
    assert not deadline.passed()
    deadline.check("before this call")
    clock.now += 0.5
    assert deadline.passed()
    with pytest.raises(DeadlineExceeded, match=r"^--deadline of 30 s passed before this call$"):
        deadline.check("before this call")
    with pytest.raises(DeadlineExceeded, match=r"^--deadline of 30 s passed$"):
        deadline.check()


def test_no_deadline_never_passes_and_never_reads_the_clock() -> None:
    clock = Clock()
    deadline = Deadline.from_seconds(None, clock)
    clock.now += 10**9
    assert not deadline.passed()
    deadline.check()
    assert clock.looks == 0


@pytest.mark.parametrize("seconds", [0, -1, float("nan"), float("inf")])
def test_a_deadline_of_no_positive_seconds_is_refused_not_taken_as_none(seconds: float) -> None:
    with pytest.raises(ValueError, match="--deadline must be a positive number of seconds"):
        Deadline.from_seconds(seconds, Clock())


def test_one_deadline_shared_by_two_readers_stops_both() -> None:
    """As AWS member accounts share the caller's: the time is the run's, not each user's own."""
    clock = Clock()
    deadline = Deadline.from_seconds(60, clock)
    first, second = (HostContext(FIXTURES / "host" / "compliant", deadline) for _ in range(2))
    clock.now += 59  # the second reader starts late: its reads still end at the run's deadline
    assert first.read("/etc/ssh/sshd_config").ok and second.read("/etc/ssh/sshd_config").ok
    clock.now += 2
    for reader in (first, second):
        with pytest.raises(DeadlineExceeded, match="--deadline of 60 s passed"):
            reader.read("/etc/ssh/sshd_config")


# --- refused where they are read ---------------------------------------------------------------------------

@pytest.mark.parametrize("value", ["0", "-1", "nan", "inf"])
@pytest.mark.parametrize("source", sorted(SOURCE_ARGS))
def test_a_deadline_that_is_no_positive_number_is_bad_input(cli, tmp_path, source: str, value: str) -> None:
    root = ["--root", tmp_path] if source == "host" else []
    result = cli("scan", *SOURCE_ARGS[source], *root, "--deadline", value)
    input_error(result, f"argument --deadline: must be a positive number of seconds, got '{value}'")


@pytest.mark.parametrize("source, flag, value, problem", [
    ("ssh", "--host-workers", "0", "must be at least 1, got '0'"),
    ("ssh", "--ssh-timeout", "0", "must be a positive number of seconds, got '0'"),
    ("aws", "--max-workers", "-1", "must be at least 1, got '-1'"),
    ("aws", "--max-attempts", "0", "must be at least 1, got '0'"),
    ("aws", "--connect-timeout", "nan", "must be a positive number of seconds, got 'nan'"),
    ("aws", "--read-timeout", "0", "must be a positive number of seconds, got '0'"),
    ("aws", "--account-workers", "0", "must be at least 1, got '0'"),
    ("ssh", "--host-workers", "two", "invalid value 'two': expected a whole number"),
])
def test_other_numbers_where_zero_makes_no_sense_are_refused_not_defaulted(cli, source, flag, value, problem):
    input_error(cli("scan", *SOURCE_ARGS[source], flag, value), f"argument {flag}: {problem}")


def test_a_bad_deadline_in_a_config_file_names_its_place(cli, tmp_path) -> None:
    config = tmp_path / "scan.yaml"
    config.write_text(f"source: ssh\ntarget: [{NOWHERE}]\ndeadline: 0\n")
    input_error(cli("scan", "--config", config),
                   f"{config}:3: deadline: must be a positive number of seconds, got '0'")
    config.write_text("source: ssh\nhost-workers: 0\n")
    input_error(cli("scan", "--config", config), f"{config}:2: host-workers: must be at least 1, got '0'")


def test_a_bad_deadline_in_the_environment_names_the_variable(cli, tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("HIPAACHECK_DEADLINE", "nan")
    input_error(cli("scan", "--root", tmp_path),
                   "environment: HIPAACHECK_DEADLINE: must be a positive number of seconds, got 'nan'")


def test_good_numbers_are_read_as_numbers(tmp_path) -> None:
    from hipaacheck.cli import build_parser
    from hipaacheck.cli.config import load_config, subparser

    config = tmp_path / "scan.yaml"
    config.write_text("deadline: 90\nhost-workers: 3\nread-timeout: '2.5'\n")
    parser = build_parser("scan")
    scan = subparser(parser, "scan")
    assert scan is not None
    assert load_config(config, scan) == {"deadline": 90.0, "host_workers": 3, "read_timeout": 2.5}
    assert parser.parse_args(["scan", "--deadline", "0.5"]).deadline == 0.5
