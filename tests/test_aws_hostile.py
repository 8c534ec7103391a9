"""AWS answers and endpoints that would make a scan hang, pass on nothing or leak: the identity call is
bounded like every other, looping pagination ends, an incomplete answer is unreadable, debug logs hold
no response body."""
from __future__ import annotations

import socket
from typing import Any

import pytest
from assertions import input_error
from aws_answers import model_answers, wire_answer
from aws_helpers import REGION, collect, evaluate_control

from hipaacheck.sources.aws.context import AwsContext, AwsOptions


@pytest.fixture
def silent_endpoint():
    """A loopback TCP port that takes connections (the kernel's backlog) and never answers."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(64)
    yield f"http://127.0.0.1:{server.getsockname()[1]}"
    server.close()


def test_the_identity_call_uses_the_run_s_client_configuration(aws, monkeypatch):
    from hipaacheck.sources.aws import context

    configs: list[Any] = []
    original = context.new_session

    def recording(*args: Any, **kwargs: Any) -> Any:
        session = original(*args, **kwargs)
        make = session.client

        def client(service: str, **options: Any) -> Any:
            configs.append((service, options.get("config")))
            return make(service, **options)

        session.client = client
        return session

    monkeypatch.setattr(context, "new_session", recording)
    ctx = AwsContext.connect(AwsOptions(regions=[REGION], read_timeout=2, connect_timeout=1, max_attempts=3))
    ctx.close()
    [(service, config)] = configs
    assert service == "sts" and config is not None
    assert (config.read_timeout, config.connect_timeout, config.retries) == (
        2, 1, {"mode": "adaptive", "total_max_attempts": 3})  # attempts per call, the first try included
    assert (ctx.config.read_timeout, ctx.config.connect_timeout) == (2, 1)


def test_an_endpoint_that_never_answers_ends_at_the_deadline(cli, silent_endpoint):
    """Before, the identity call ignored both: 181 s here with --deadline 10 --read-timeout 2."""
    result = cli("scan", "--source", "aws", "--regions", REGION, "--endpoint-url", silent_endpoint,
                 "--read-timeout", "1", "--connect-timeout", "1", "--max-attempts", "8", "--deadline", "2")
    assert input_error(result) == ("hipaacheck: error: aws credentials: cannot identify the caller: DeadlineExceeded: "
                                   "--deadline of 2 s passed before this call")


def test_a_pagination_token_seen_twice_fails_that_listing(aws, monkeypatch):
    """Tokens A, B, A, B... never end (botocore only notices the same token twice in a row)."""
    from botocore.stub import Stubber

    from hipaacheck.sources.aws.responses import RepeatedToken

    ctx = AwsContext.connect(AwsOptions(regions=[REGION]))
    try:
        iam = ctx.client("iam")
        with Stubber(iam) as stub:
            for marker in ("A", "B", "A", "B"):
                stub.add_response("list_users", {"Users": [], "IsTruncated": True, "Marker": marker})
            with pytest.raises(RepeatedToken, match="list_users returned the pagination token"):
                ctx.paginate("iam", None, "list_users", "Users")
            assert len(stub._queue) == 1  # stopped at the third page, the first repeat
    finally:
        ctx.close()


def test_a_looping_listing_is_an_error_finding_not_a_hang(aws, monkeypatch):
    aws.client("iam").create_user(UserName="alice")
    answered = model_answers(monkeypatch, {"ListUsers": lambda params, region: {
        "Users": [], "IsTruncated": True, "Marker": "B" if params.get("Marker") == "A" else "A"}})
    inventory = collect({"aws.iam.user"})
    assert answered == ["ListUsers"] * 3  # markers A, B, then A again: the repeat ends the listing
    [error] = inventory.errors
    assert error.resource_type == "aws.iam.user" and "RepeatedToken" in (error.code or error.message)
    findings = evaluate_control("aws.iam.user_no_admin_policy", inventory)
    assert findings and all(f.status == "error" for f in findings)


def test_an_empty_describe_hub_is_not_security_hub_enabled(aws, monkeypatch):
    wire_answer(monkeypatch, "securityhub", "DescribeHub", b"{}")
    findings = evaluate_control("aws.securityhub.enabled", collect({"aws.securityhub.hub"}))
    assert [f.status for f in findings] == ["error"]
    assert "DescribeHub answered without HubArn" in findings[0].message


def test_an_empty_list_user_policies_is_not_no_inline_admin_policy(aws, monkeypatch):
    aws.client("iam").create_user(UserName="alice")
    body = (b'<ListUserPoliciesResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/"><ListUserPoliciesResult>'
            b"</ListUserPoliciesResult><ResponseMetadata><RequestId>x</RequestId></ResponseMetadata>"
            b"</ListUserPoliciesResponse>")
    wire_answer(monkeypatch, "iam", "ListUserPolicies", body, "text/xml")
    findings = evaluate_control("aws.iam.user_no_admin_policy", collect({"aws.iam.user"}))
    alice = [f for f in findings if "alice" in f.resource["id"]]
    assert [f.status for f in alice] == ["error"], [f.message for f in findings]
    assert "ListUserPolicies answered without PolicyNames" in alice[0].message


def test_debug_log_holds_no_response_body(aws, cli, tmp_path):
    from test_aws_adversarial import lambda_function

    lambda_function(aws, "api", {"DATABASE_URL": "postgres://app:Tr0ub4dor-PW@db.internal/phi",
                                 "UPSTREAM_TOKEN": "tok-9f8e7d6c5b4a-LEAKME"})
    log = tmp_path / "debug.log"
    profile = tmp_path / "p.yaml"
    profile.write_text("id: p\ntitle: p\nextends: hipaa-base\ncontrols: {include: [aws.lambda.*]}\n")
    result = cli("scan", "--source", "aws", "--regions", REGION, "--profile", profile, "--format", "json",
                 "--log-level", "debug", "--log-file", log)
    assert result.code in (0, 1, 3), result.err
    text = log.read_text()
    assert "DEBUG" in text  # the log did run at debug
    for secret in ("Tr0ub4dor-PW", "db.internal", "tok-9f8e7d6c5b4a-LEAKME"):
        assert secret not in text and secret not in result.out + result.err


def test_max_attempts_counts_the_first_try(moto_endpoint, monkeypatch):
    from aws_helpers import Throttler

    from hipaacheck.sources.aws.source import AwsSource

    throttler = Throttler(every=1).install(monkeypatch)  # every request throttled: each call uses all its attempts
    options = AwsOptions(regions=[REGION], max_attempts=3, endpoint_url=moto_endpoint)
    inventory = AwsSource(options).collect({"aws.iam.password_policy"})
    assert (throttler.requests, throttler.throttled) == (3, 3)
    [resource] = inventory.resources
    assert "Throttling" in resource.unreadable["policy"]
