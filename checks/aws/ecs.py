"""ECS task definitions: read-only root filesystems, and no root user on the host network (AWS Config's rules)."""
from __future__ import annotations

from typing import Any

from hipaacheck.model import Outcome, Resource, failed, passed, skipped
from hipaacheck.registry import check

ROOT_USERS = {"root", "0"}


def _name(container: dict[str, Any]) -> str:
    return str(container.get("name") or "?")


@check("aws.ecs.containers_readonly_root", resource_type="aws.ecs.task_definition", reads=("containers",))
def containers_readonly_root(resource: Resource, params: dict[str, Any]) -> Outcome:
    """Every container definition sets readonlyRootFilesystem to true (unset is writable)."""
    writable = [_name(c) for c in resource.get("containers") or [] if c.get("readonly_root_filesystem") is not True]
    if writable:
        return failed(f"root filesystem writable in: {', '.join(writable)}", writable=writable)
    return passed("every container has a read-only root filesystem", writable=[])


def _runs_as_root(user: str | None) -> bool:
    """An unset user is the image's, root by default; ``root``, ``0``, ``root:GROUP`` and ``0:GROUP`` are root."""
    return user is None or user.partition(":")[0].strip() in ROOT_USERS


@check("aws.ecs.host_mode_user", resource_type="aws.ecs.task_definition", reads=("network_mode", "containers"))
def host_mode_user(resource: Resource, params: dict[str, Any]) -> Outcome:
    """In host network mode, each container either names a non-root user or is privileged (AWS Config
    ecs-task-definition-user-for-host-mode-check: an explicit privileged=true is taken as a deliberate choice)."""
    mode = resource.get("network_mode")
    if mode != "host":
        return skipped(f"network mode {mode or 'unset (bridge)'}, not host", network_mode=mode)
    root = [_name(c) for c in resource.get("containers") or []
            if c.get("privileged") is not True and _runs_as_root(c.get("user"))]
    if root:
        return failed(f"host network mode with root, unprivileged containers: {', '.join(root)}",
                      network_mode=mode, root_containers=root)
    return passed("host network mode, every container non-root or explicitly privileged", network_mode=mode,
                  root_containers=[])
