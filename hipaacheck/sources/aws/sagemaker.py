"""SageMaker notebook instances (internet access, root access, the KMS key of the ML volume) and endpoint
configurations (the KMS key of the hosting instances' storage)."""
from __future__ import annotations

import re
from typing import Any, Callable, Iterable

from ...model import Resource
from ._listing import describe_each
from .context import AwsContext
from .registry import aws_collector


def _described(ctx: AwsContext, region: str | None, resource_type: str, kind: str,
               settings: Callable[[dict[str, Any]], dict[str, Any]]) -> list[Resource]:
    """SageMaker's listings omit the settings: List<kind>s, then one Describe<kind> per item (``kind`` is
    NotebookInstance or EndpointConfig; SageMaker names the keys and parameters after it)."""
    snake = re.sub(r"(?<!^)(?=[A-Z])", "_", kind).lower()
    describe = getattr(ctx.client("sagemaker", region), f"describe_{snake}")
    resources = [ctx.resource(resource_type, item[f"{kind}Arn"], region, name=item[f"{kind}Name"])
                 for item in ctx.paginate("sagemaker", region, f"list_{snake}s", f"{kind}s")]
    return describe_each(ctx, resources, lambda r: describe(**{f"{kind}Name": r.attributes["name"]}), settings)


def _notebook(notebook: dict[str, Any]) -> dict[str, Any]:
    return {"status": notebook.get("NotebookInstanceStatus"),
            "direct_internet_access": notebook.get("DirectInternetAccess", "Enabled"),
            "root_access": notebook.get("RootAccess", "Enabled"),
            "kms_key_id": notebook.get("KmsKeyId"), "subnet_id": notebook.get("SubnetId")}


@aws_collector("aws.sagemaker.notebook_instance", service="sagemaker",
               calls=("sagemaker:DescribeNotebookInstance", "sagemaker:ListNotebookInstances"))
def notebook_instances(ctx: AwsContext, region: str | None) -> Iterable[Resource]:
    return _described(ctx, region, "aws.sagemaker.notebook_instance", "NotebookInstance", _notebook)


@aws_collector("aws.sagemaker.endpoint_config", service="sagemaker",
               calls=("sagemaker:DescribeEndpointConfig", "sagemaker:ListEndpointConfigs"))
def endpoint_configs(ctx: AwsContext, region: str | None) -> Iterable[Resource]:
    return _described(ctx, region, "aws.sagemaker.endpoint_config", "EndpointConfig",
                      lambda config: {"kms_key_id": config.get("KmsKeyId")})
