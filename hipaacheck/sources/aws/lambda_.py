"""Lambda functions. Environment variable VALUES are dropped here, at collection: only the names are
kept, so no inventory, report or evidence bundle can ever carry them."""
from __future__ import annotations

from typing import Iterable

from ...model import Resource
from .context import AwsContext
from . import aws_collector


@aws_collector("aws.lambda.function", service="lambda")
def functions(ctx: AwsContext, region: str | None) -> Iterable[Resource]:
    for function in ctx.paginate("lambda", region, "list_functions", "Functions"):
        variables = (function.get("Environment") or {}).get("Variables") or {}
        yield ctx.resource("aws.lambda.function", function["FunctionArn"], region,
                           name=function["FunctionName"], runtime=function.get("Runtime"),
                           environment_variable_names=sorted(variables))
