"""Shared AWS plumbing: session, clients, retries, error description, per-run memo."""
from __future__ import annotations

import os
import threading
from dataclasses import dataclass, field
from typing import Any, Callable

from ...errors import InputError
from ...model import Resource

ACCESS_DENIED_CODES = {"AccessDenied", "AccessDeniedException", "UnauthorizedOperation", "AuthorizationError",
                       "UnauthorizedAccess", "Forbidden", "403", "AuthFailure", "InvalidClientTokenId"}


@dataclass
class AwsOptions:
    regions: list[str] | None = None
    endpoint_url: str | None = None
    profile: str | None = None
    role_arn: str | None = None
    external_id: str | None = None
    max_workers: int = 8
    max_attempts: int = 8
    connect_timeout: float = 5.0
    read_timeout: float = 30.0

    @classmethod
    def from_args(cls, args: Any) -> "AwsOptions":
        regions = [r.strip() for r in args.regions.split(",") if r.strip()] if getattr(args, "regions", None) else None
        if getattr(args, "max_workers", 8) < 1:
            raise InputError("--max-workers", "must be at least 1")
        return cls(
            regions=regions,
            endpoint_url=getattr(args, "endpoint_url", None) or os.environ.get("AWS_ENDPOINT_URL"),
            profile=getattr(args, "aws_profile", None),
            role_arn=getattr(args, "role_arn", None),
            external_id=getattr(args, "external_id", None),
            max_workers=getattr(args, "max_workers", 8),
            max_attempts=getattr(args, "max_attempts", 8),
            connect_timeout=getattr(args, "connect_timeout", 5.0),
            read_timeout=getattr(args, "read_timeout", 30.0),
        )


def describe_error(exc: BaseException) -> tuple[str, str, str | None]:
    """(code, message, operation) for any exception a boto3 call can raise.

    HTTP 403 bodies that botocore cannot parse come back with code ``'403'``;
    they are reported as AccessDenied. Unimplemented emulator calls answer 500/404.
    """
    from botocore.exceptions import BotoCoreError, ClientError

    if isinstance(exc, ClientError):
        error = exc.response.get("Error", {})
        code = str(error.get("Code") or "Unknown")
        status = exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode")
        if code == "403" or status == 403 and code not in ACCESS_DENIED_CODES:
            code = "AccessDenied"
        message = str(error.get("Message") or code)
        return code, message[:300], getattr(exc, "operation_name", None)
    if isinstance(exc, BotoCoreError):
        return type(exc).__name__, str(exc)[:300], None
    return type(exc).__name__, str(exc)[:300], None


class AwsContext:
    """One connected session: clients per (service, region), identity, and a memo for shared reads."""

    def __init__(self, session: Any, options: AwsOptions, identity: dict[str, str]) -> None:
        from botocore.config import Config

        self.session = session
        self.options = options
        self.identity = identity
        self.account = identity.get("Account", "")
        self.partition = identity.get("Arn", "arn:aws:").split(":")[1] or "aws"
        self.default_region = session.region_name or "us-east-1"
        self.config = Config(
            retries={"mode": "adaptive", "max_attempts": options.max_attempts},
            connect_timeout=options.connect_timeout,
            read_timeout=options.read_timeout,
            max_pool_connections=max(10, options.max_workers * 2),
        )
        self._clients: dict[tuple[str, str], Any] = {}
        self._lock = threading.Lock()
        self._memo: dict[Any, Any] = {}
        self._memo_locks: dict[Any, threading.Lock] = {}
        self._calls = 0
        self._calls_lock = threading.Lock()
        self.calls_by_operation: dict[str, int] = {}
        session.events.register("before-call", self._count_call)

    @classmethod
    def connect(cls, options: AwsOptions) -> "AwsContext":
        import boto3
        from botocore.exceptions import BotoCoreError, ClientError

        try:
            session = boto3.Session(profile_name=options.profile)
        except BotoCoreError as exc:
            raise InputError("--aws-profile", str(exc)) from None
        try:
            sts = session.client("sts", endpoint_url=options.endpoint_url,
                                 region_name=session.region_name or "us-east-1")
            if options.role_arn:
                kwargs = {"RoleArn": options.role_arn, "RoleSessionName": "hipaacheck"}
                if options.external_id:
                    kwargs["ExternalId"] = options.external_id
                creds = sts.assume_role(**kwargs)["Credentials"]
                session = boto3.Session(aws_access_key_id=creds["AccessKeyId"],
                                        aws_secret_access_key=creds["SecretAccessKey"],
                                        aws_session_token=creds["SessionToken"],
                                        region_name=session.region_name)
                sts = session.client("sts", endpoint_url=options.endpoint_url,
                                     region_name=session.region_name or "us-east-1")
            identity = sts.get_caller_identity()
        except (BotoCoreError, ClientError) as exc:
            code, message, _ = describe_error(exc)
            raise InputError("aws credentials", f"cannot identify the caller: {code}: {message}") from None
        return cls(session, options, {k: identity[k] for k in ("Account", "Arn", "UserId") if k in identity})

    def _count_call(self, model: Any = None, **_: Any) -> None:
        name = f"{model.service_model.service_name}:{model.name}" if model is not None else "?"
        with self._calls_lock:
            self._calls += 1
            self.calls_by_operation[name] = self.calls_by_operation.get(name, 0) + 1

    def call_count(self) -> int:
        return self._calls

    def client(self, service: str, region: str | None = None) -> Any:
        region = region or self.default_region
        key = (service, region)
        with self._lock:
            client = self._clients.get(key)
            if client is None:
                client = self.session.client(service, region_name=region, endpoint_url=self.options.endpoint_url,
                                             config=self.config)
                self._clients[key] = client
            return client

    def paginate(self, service: str, region: str | None, operation: str, result_key: str, **kwargs: Any) -> list:
        """Every item under ``result_key`` across all pages of ``operation``."""
        paginator = self.client(service, region).get_paginator(operation)
        items: list = []
        for page in paginator.paginate(**kwargs):
            items.extend(page.get(result_key) or [])
        return items

    def memo(self, key: Any, compute: Callable[[], Any]) -> Any:
        """Compute a shared read once per run, even when several collectors ask at once."""
        with self._lock:
            if key in self._memo:
                return self._memo[key]
            lock = self._memo_locks.setdefault(key, threading.Lock())
        with lock:
            with self._lock:
                if key in self._memo:
                    return self._memo[key]
            value = compute()
            with self._lock:
                self._memo[key] = value
            return value

    def read(self, resource: Resource, attribute: str, call: Callable[[], Any],
             not_found: tuple[str, ...] = (), default: Any = None) -> Any:
        """Run ``call`` and store its result as ``attribute``.

        Error codes in ``not_found`` mean "not configured" and store ``default``;
        any other failure marks the attribute unreadable with the API error.
        """
        try:
            value = call()
        except Exception as exc:  # noqa: BLE001
            code, message, operation = describe_error(exc)
            if code in not_found:
                value = default
            else:
                resource.unreadable[attribute] = f"{operation or attribute}: {code}: {message}"
                return None
        resource.attributes[attribute] = value
        return value

    def regions(self) -> list[str]:
        if self.options.regions:
            return list(self.options.regions)
        from botocore.exceptions import BotoCoreError, ClientError

        try:
            answer = self.client("ec2", self.default_region).describe_regions(AllRegions=False)
        except (BotoCoreError, ClientError):
            return [self.default_region]
        names = [r["RegionName"] for r in answer.get("Regions", [])
                 if r.get("OptInStatus", "opt-in-not-required") != "not-opted-in"]
        return sorted(names) or [self.default_region]

    def metadata(self, regions: list[str]) -> dict[str, Any]:
        return {"account": self.account, "caller_arn": self.identity.get("Arn", ""), "partition": self.partition,
                "regions": regions, "endpoint_url": self.options.endpoint_url}

    def arn(self, service: str, region: str | None, resource: str) -> str:
        return f"arn:{self.partition}:{service}:{region or ''}:{self.account}:{resource}"
