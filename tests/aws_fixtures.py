"""AWS fixtures, loaded once for the whole suite as a pytest plugin (``pytest_plugins`` in conftest.py).

Test modules request these by name and never import them; plain helpers come from ``aws_helpers``.

- ``aws``: in-process ``mock_aws`` for unit tests; yields a boto3 Session in us-east-1.
- ``moto_server``: one loopback ``ThreadedMotoServer`` per test session (127.0.0.1, port 0);
  ``moto_endpoint`` resets its state and yields the URL for one test.
"""
from __future__ import annotations

import pytest
from aws_helpers import REGION, reset_server


@pytest.fixture(autouse=True)
def _model_answers_are_well_shaped():
    """A mocked answer botocore could not produce fails the test, even when it was refused in a collector
    thread (where it would only have become an ``error`` finding)."""
    from aws_answers import SHAPE_ERRORS

    SHAPE_ERRORS.clear()
    yield
    assert not SHAPE_ERRORS, f"mocked AWS answers not shaped like botocore's model: {SHAPE_ERRORS}"


@pytest.fixture
def aws(monkeypatch):
    """moto in-process: every boto3 client in the test talks to the in-memory backend."""
    import boto3
    from moto import mock_aws

    monkeypatch.delenv("AWS_ENDPOINT_URL", raising=False)
    with mock_aws():
        yield boto3.Session(region_name=REGION)


@pytest.fixture(scope="session")
def moto_server():
    """A loopback moto server for the whole test session; yields its base URL."""
    from moto.moto_server import werkzeug_app
    from moto.server import ThreadedMotoServer

    # The server prints "Unable to find appropriate backend" for services it lacks (Access Analyzer) to
    # this process's stdout, which CLI tests capture as the command's output: keep it out.
    werkzeug_app.print = lambda *args, **kwargs: None  # type: ignore[attr-defined]
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    try:
        yield f"http://{host}:{port}"
    finally:
        server.stop()


@pytest.fixture
def moto_endpoint(moto_server, monkeypatch):
    """The session's moto server, emptied before the test; AWS_ENDPOINT_URL is not set (pass it)."""
    monkeypatch.delenv("AWS_ENDPOINT_URL", raising=False)
    reset_server(moto_server)
    yield moto_server
    reset_server(moto_server)
