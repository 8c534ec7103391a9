"""SageMaker notebook instances (internet access, root access, the KMS key of the ML volume) and endpoint
configurations (the KMS key of the hosting instances' storage)."""
from __future__ import annotations

from typing import Any, Callable, Iterable

from ...model import Resource
from ._listing import describe_each
from .context import AwsContext
from .registry import aws_collector


def _described(ctx: AwsContext, region: str | None, resource_type: str, kind: str, listing: str, describe: str,
               settings: Callable[[dict[str, Any]], dict[str, Any]]) -> list[Resource]:
    """SageMaker's listings omit the settings: the ``listing`` operation, then one ``describe`` per item
    (``kind``: NotebookInstance or EndpointConfig, after which SageMaker names the keys and parameters)."""
    describe_one = getattr(ctx.client("sagemaker", region), describe)
    resources = [ctx.resource(resource_type, item[f"{kind}Arn"], region, name=item[f"{kind}Name"])
                 for item in ctx.paginate("sagemaker", region, listing, f"{kind}s")]
    return describe_each(ctx, resources, lambda r: describe_one(**{f"{kind}Name": r.attributes["name"]}), settings)


def _notebook(notebook: dict[str, Any]) -> dict[str, Any]:
    return {"status": notebook.get("NotebookInstanceStatus"),
            "direct_internet_access": notebook.get("DirectInternetAccess", "Enabled"),
            "root_access": notebook.get("RootAccess", "Enabled"),
            "kms_key_id": notebook.get("KmsKeyId"), "subnet_id": notebook.get("SubnetId")}


@aws_collector("aws.sagemaker.notebook_instance", service="sagemaker",
               calls=("sagemaker:DescribeNotebookInstance", "sagemaker:ListNotebookInstances"))
def notebook_instances(ctx: AwsContext, region: str | None) -> Iterable[Resource]:
    return _described(ctx, region, "aws.sagemaker.notebook_instance", "NotebookInstance", "list_notebook_instances",
                      "describe_notebook_instance", _notebook)


@aws_collector("aws.sagemaker.endpoint_config", service="sagemaker",
               calls=("sagemaker:DescribeEndpointConfig", "sagemaker:ListEndpointConfigs"))
def endpoint_configs(ctx: AwsContext, region: str | None) -> Iterable[Resource]:
    return _described(ctx, region, "aws.sagemaker.endpoint_config", "EndpointConfig", "list_endpoint_configs",
                      "describe_endpoint_config", lambda config: {"kms_key_id": config.get("KmsKeyId")})
