"""Lambda functions with their resource policy and function URL auth types. Environment variable VALUES
are dropped here, at collection: only the names are kept, so no inventory, report or evidence bundle can
ever carry them."""
from __future__ import annotations

import json
from typing import Any, Iterable

from ...model import Resource
from ._listing import read_each
from .context import AwsContext
from .registry import aws_collector


NO_POLICY = ("ResourceNotFoundException",)


@aws_collector("aws.lambda.function", service="lambda",
               calls=("lambda:ListFunctions", "lambda:GetPolicy", "lambda:ListFunctionUrlConfigs"))
def functions(ctx: AwsContext, region: str | None) -> Iterable[Resource]:
    """Functions; GetPolicy and ListFunctionUrlConfigs once per function, each only when a control reads it."""
    client = ctx.client("lambda", region)
    resources = list(_listed(ctx, region))
    read_each(ctx, resources, "policy", lambda r: _policy(client.get_policy(FunctionName=r.id)), NO_POLICY, None)
    read_each(ctx, resources, "url_auth_types", lambda r: sorted({
        c.get("AuthType") for c in ctx.paginate("lambda", region, "list_function_url_configs", "FunctionUrlConfigs",
                                                FunctionName=r.id)}))
    return resources


def _policy(answer: dict[str, Any]) -> Any:
    return json.loads(answer["Policy"]) if answer.get("Policy") else None


def _listed(ctx: AwsContext, region: str | None) -> Iterable[Resource]:
    for function in ctx.paginate("lambda", region, "list_functions", "Functions"):
        environment = function.get("Environment") or {}
        resource = ctx.resource("aws.lambda.function", function["FunctionArn"], region,
                                name=function["FunctionName"], runtime=function.get("Runtime"),
                                environment_variable_names=sorted(environment.get("Variables") or {}))
        error = environment.get("Error")
        if error:  # e.g. no kms:Decrypt on the function's key: the names were not shown, not absent
            del resource.attributes["environment_variable_names"]
            resource.unreadable["environment_variable_names"] = (
                f"lambda:ListFunctions: {error.get('ErrorCode') or 'Error'}: "
                f"{' '.join(str(error.get('Message') or '').split())[:300]}")
        yield resource
