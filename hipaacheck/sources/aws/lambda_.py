"""Lambda functions. Environment variable VALUES are dropped here, at collection: only the names are
kept, so no inventory, report or evidence bundle can ever carry them."""
from __future__ import annotations

from typing import Iterable

from ...model import Resource
from .context import AwsContext
from .registry import aws_collector


@aws_collector("aws.lambda.function", service="lambda",
               calls=("lambda:ListFunctions",))
def functions(ctx: AwsContext, region: str | None) -> Iterable[Resource]:
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
