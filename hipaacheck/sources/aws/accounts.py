"""An AWS Organization's accounts in one scan (``--accounts all|ID,...``), one target per account.

From the caller's account (the management account or a delegated administrator), ``--accounts all`` lists
the Organization's ACTIVE accounts (``organizations:ListAccounts``, paginated); ``--accounts ID,...`` names
them. ``--skip-accounts`` removes some; ``--shard I/N`` keeps one slice of the sorted list. Each member is
scanned through ``arn:<partition>:iam::<id>:role/<--org-role>`` (partition from the caller's ARN), with its
own enabled regions; the caller's account with the caller's own credentials. ``--account-workers`` accounts
are scanned at once; each account is yielded as soon as it is done, in account order, and the next is
started only once the pipeline has let the previous one go, so at most that many inventories are held.
An account whose role cannot be assumed, or whose scan fails whole, is an ``error`` target: the other
accounts go on.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import Any, Iterator, Mapping

from ...errors import InputError
from ...inventory import Inventory
from ...shards import Shard
from ...targets import Target, TargetStatus, status_of
from .. import ProgressCallback, Wanted
from ..one_target import only_inventory
from ..parallel import in_order
from ..deadline import DeadlineExceeded
from .context import AwsContext, AwsOptions, assume_role, bound_by, describe_error, new_session

ACCOUNT_ID = re.compile(r"^[0-9]{12}$")
ROLE_NAME = re.compile(r"^[\w+=,.@/-]{1,64}$")
SESSION_NAME = "hipaacheck"


def account_ids(text: str | None, flag: str) -> tuple[str, ...]:
    """``ID,ID,...`` as sorted unique 12-digit ids; anything else is bad input."""
    ids = [part.strip() for part in (text or "").split(",") if part.strip()]
    for ident in ids:
        if not ACCOUNT_ID.match(ident):
            raise InputError(flag, f"{ident!r} is not a 12-digit AWS account id")
    return tuple(sorted(set(ids)))


@dataclass(frozen=True)
class AccountsOptions:
    """The ``--accounts`` family of options, checked."""

    accounts: tuple[str, ...] | None  # None: all ACTIVE accounts of the Organization
    skip: frozenset[str] = frozenset()
    role: str | None = None
    workers: int = 1
    shard: Shard | None = None

    @classmethod
    def from_values(cls, values: Mapping[str, Any]) -> "AccountsOptions":
        text = str(values.get("accounts") or "").strip()
        accounts = None if text.lower() == "all" else account_ids(text, "--accounts")
        if accounts == ():
            raise InputError("--accounts", "expected 'all' or a comma-separated list of account ids")
        role = values.get("org_role")
        if role is not None and not ROLE_NAME.match(role):
            raise InputError("--org-role", f"{role!r} is not an IAM role name (or path/name)")
        workers = values.get("account_workers")
        workers = 1 if workers is None else workers
        shard = Shard.parse(values["shard"]) if values.get("shard") else None
        return cls(accounts, frozenset(account_ids(values.get("skip_accounts"), "--skip-accounts")),
                   role, workers, shard)


@dataclass(frozen=True)
class Account:
    id: str
    name: str


class AccountsSource:
    """``--source aws --accounts ...``: each account a target (see the module docstring)."""

    name = "aws"
    family = "aws"

    def __init__(self, aws: AwsOptions, options: AccountsOptions) -> None:
        self.aws = aws
        self.options = options
        self.run_target: dict[str, Any] = {}  # the caller and the account selection, once listed

    def collect(self, resource_types: set[str], progress: ProgressCallback | None = None, *,
                attributes: Wanted | None = None) -> Inventory:
        """``collect aws --accounts ID``: that one account (a member through ``--org-role``); an inventory
        holds one account, so a list or ``all`` is refused."""
        if self.options.accounts is None or len(self.options.accounts) != 1 or self.options.skip or self.options.shard:
            raise InputError("--accounts", "an inventory holds one account: name one (--accounts ID), or run "
                                           "`hipaacheck scan --accounts ...`")
        return only_inventory(self.collect_targets(resource_types, progress, attributes=attributes), 1, "--accounts")

    def collect_targets(self, resource_types: set[str], progress: ProgressCallback | None = None, *,
                        attributes: Wanted | None = None) -> Iterator[tuple[Target, Inventory | None]]:
        caller = AwsContext.connect(self.aws)
        try:
            listed = self.list_accounts(caller)
            accounts = self.select(listed)
            if self.options.role is None and any(a.id != caller.account for a in accounts):
                raise InputError("--org-role", "needed to scan accounts other than the caller's "
                                               f"({caller.account})")
            sts = caller.client("sts")
            self.run_target = {**caller.metadata(list(self.aws.regions or [])), "accounts": [a.id for a in accounts],
                               "organization_accounts": len(listed), "shard": str(self.options.shard or "")}
            self.run_target.pop("regions", None)

            def scan(account: Account) -> tuple[Target, Inventory | None]:
                return self.scan_account(caller, sts, account, resource_types, progress, attributes)

            yield from in_order(scan, accounts, self.options.workers, name="hipaacheck-account")
        finally:
            caller.close()

    def list_accounts(self, caller: AwsContext) -> list[Account]:
        """The accounts named by ``--accounts``, or the Organization's ACTIVE ones, sorted by id."""
        if self.options.accounts is not None:
            return [Account(ident, ident) for ident in self.options.accounts]
        from botocore.exceptions import BotoCoreError, ClientError

        try:
            listed = caller.paginate("organizations", None, "list_accounts", "Accounts")
        except (BotoCoreError, ClientError, DeadlineExceeded) as exc:
            code, message, operation = caller.describe(exc)
            raise InputError("--accounts all", f"cannot list the Organization's accounts ({operation}: {code}: "
                                               f"{message}); name them with --accounts ID,...") from None
        active = [a for a in listed if (a.get("State") or a.get("Status")) == "ACTIVE"]
        return sorted((Account(str(a["Id"]), str(a.get("Name") or a["Id"])) for a in active), key=lambda a: a.id)

    def select(self, accounts: list[Account]) -> list[Account]:
        kept = [a for a in accounts if a.id not in self.options.skip]
        return self.options.shard.select(kept) if self.options.shard else kept

    def role_arn(self, caller: AwsContext, account: str) -> str:
        return f"arn:{caller.partition}:iam::{account}:role/{self.options.role}"

    def scan_account(self, caller: AwsContext, sts: Any, account: Account, resource_types: set[str],
                     progress: ProgressCallback | None, attributes: Wanted | None
                     ) -> tuple[Target, Inventory | None]:
        """Collect one account; never raises: what fails whole is an ``error`` target."""
        from .source import AwsSource

        target = Target("aws-account", account.id, account.name, TargetStatus.ERROR,
                        details={"partition": caller.partition})
        try:
            ctx = self.connect(caller, sts, account)
        except Exception as exc:  # noqa: BLE001 - one account's failure never stops the others
            code, message, _ = describe_error(exc)
            arn = self.role_arn(caller, account.id)
            return target.with_status(TargetStatus.ERROR, f"cannot assume {arn}: {code}: {message}"), None
        say = (lambda line: progress(f"{account.id} {line}")) if progress else None
        try:
            inventory = AwsSource(self.aws).collect_in(ctx, resource_types, say, attributes=attributes)
        except Exception as exc:  # noqa: BLE001 - InputError (regions), or anything the scan did not isolate
            ctx.close()
            why = exc.problem if isinstance(exc, InputError) else "{}: {}".format(*describe_error(exc))
            return replace(target, details={**target.details, "caller_arn": ctx.identity.get("Arn", "")},
                           reason=f"account scan failed: {why}"), None
        metadata = inventory.metadata
        metadata["account_name"] = account.name
        status, reason = status_of(inventory)
        details = {"regions": metadata.get("regions", []), "caller_arn": metadata.get("caller_arn", ""),
                   "partition": caller.partition, "api_calls": metadata.get("api_calls", 0)}
        return Target("aws-account", account.id, account.name, status, reason, details), inventory

    def connect(self, caller: AwsContext, sts: Any, account: Account) -> AwsContext:
        """A context of ``account``: the caller's own credentials for its own account, else the role's.
        ``--deadline`` is the whole scan's: each account's context shares the caller's (an account started
        after it passed is an error target)."""
        options = replace(self.aws, role_arn=None)
        if account.id == caller.account:
            return self._context(caller, self.own_session(caller), options, dict(caller.identity))
        role_arn = self.role_arn(caller, account.id)
        credentials, user = assume_role(sts, role_arn, SESSION_NAME, self.aws.external_id)
        session = account_session(caller, **credentials)
        identity = {"Account": account.id, "Arn": str(user.get("Arn") or role_arn),
                    "UserId": str(user.get("AssumedRoleId") or "")}
        return self._context(caller, session, options, identity)

    @staticmethod
    def _context(caller: AwsContext, session: Any, options: AwsOptions, identity: dict[str, str]) -> AwsContext:
        bound_by(caller.deadline, session)
        return AwsContext(session, options, identity, caller.deadline)

    def own_session(self, caller: AwsContext) -> Any:
        """The caller's credentials in a session of their own (the caller's has its own event handlers)."""
        if self.aws.role_arn:  # assumed once already: the same (non-refreshable) credentials
            frozen = caller.session.get_credentials().get_frozen_credentials()
            return account_session(caller, aws_access_key_id=frozen.access_key,
                                   aws_secret_access_key=frozen.secret_key, aws_session_token=frozen.token)
        return account_session(caller, self.aws.profile)


def account_session(caller: AwsContext, profile: str | None = None, **credentials: str) -> Any:
    """A session for one account that reads service models through the caller's loader, which caches
    them: each account's session would otherwise load and hold its own copy of every model (about
    100 MiB for the collectors' services, measured by bench/org_bench.py)."""
    session = new_session(profile, region_name=caller.session.region_name, **credentials)
    session._session.register_component("data_loader", caller.session._session.get_component("data_loader"))
    return session


def build_accounts(values: Mapping[str, Any]) -> AccountsSource:
    return AccountsSource(AwsOptions.from_values(values), AccountsOptions.from_values(values))


def refuse_without_accounts(values: Mapping[str, Any]) -> None:
    """``--org-role``, ``--skip-accounts`` and ``--shard`` mean nothing without ``--accounts``."""
    for dest in ("org_role", "skip_accounts", "shard"):
        if values.get(dest):
            raise InputError(f"--{dest.replace('_', '-')}", "needs --accounts all|ID,...")
