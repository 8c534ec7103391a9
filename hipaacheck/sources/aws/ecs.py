"""ECS task definitions: the latest ACTIVE revision of each family (what AWS Config evaluates), with its network
mode and, per container, only the root-filesystem, privilege and user settings (never environment values).

A family is the resource (its ARN without the revision): each deploy registers a revision, and a finding,
waiver or baseline entry must follow the family across them."""
from __future__ import annotations

from typing import Any, Iterable

from ...model import Resource
from ._listing import describe_each
from .context import AwsContext
from .registry import aws_collector


def latest_revisions(arns: Iterable[str]) -> dict[str, tuple[int, str]]:
    """Of task definition ARNs (``...:task-definition/FAMILY:REVISION``), family -> (its highest revision, ARN)."""
    latest: dict[str, tuple[int, str]] = {}
    for arn in arns:
        family, _, revision = arn.rpartition("/")[2].rpartition(":")
        number = int(revision) if revision.isdigit() else 0
        if family not in latest or number > latest[family][0]:
            latest[family] = (number, arn)
    return latest


def _container(container: dict[str, Any]) -> dict[str, Any]:
    return {"name": container.get("name"), "readonly_root_filesystem": container.get("readonlyRootFilesystem"),
            "privileged": container.get("privileged"), "user": container.get("user")}


def _settings(answer: dict[str, Any]) -> dict[str, Any]:
    task = answer.get("taskDefinition") or {}
    return {"network_mode": task.get("networkMode"),
            "containers": [_container(c) for c in task.get("containerDefinitions") or []]}


@aws_collector("aws.ecs.task_definition", service="ecs",
               calls=("ecs:DescribeTaskDefinition", "ecs:ListTaskDefinitions"))
def task_definitions(ctx: AwsContext, region: str | None) -> Iterable[Resource]:
    """One ListTaskDefinitions listing (ACTIVE revisions), then one DescribeTaskDefinition per family."""
    client = ctx.client("ecs", region)
    latest = latest_revisions(ctx.paginate("ecs", region, "list_task_definitions", "taskDefinitionArns",
                                           status="ACTIVE"))
    resources = [ctx.resource("aws.ecs.task_definition", arn.rpartition(":")[0], region, family=family,
                              revision=revision, revision_arn=arn)
                 for family, (revision, arn) in sorted(latest.items())]
    return describe_each(ctx, resources, lambda r: client.describe_task_definition(
        taskDefinition=r.attributes["revision_arn"]), _settings)
