"""SageMaker notebook instances: internet access, root access and the KMS key of the ML volume."""
from __future__ import annotations

from typing import Any, Iterable

from ...model import Resource
from ._listing import describe_each
from .context import AwsContext
from .registry import aws_collector


def _settings(notebook: dict[str, Any]) -> dict[str, Any]:
    return {"status": notebook.get("NotebookInstanceStatus"),
            "direct_internet_access": notebook.get("DirectInternetAccess", "Enabled"),
            "root_access": notebook.get("RootAccess", "Enabled"),
            "kms_key_id": notebook.get("KmsKeyId"), "subnet_id": notebook.get("SubnetId")}


@aws_collector("aws.sagemaker.notebook_instance", service="sagemaker",
               calls=("sagemaker:DescribeNotebookInstance", "sagemaker:ListNotebookInstances"))
def notebook_instances(ctx: AwsContext, region: str | None) -> Iterable[Resource]:
    """ListNotebookInstances omits the settings: one DescribeNotebookInstance per notebook."""
    client = ctx.client("sagemaker", region)
    resources = [ctx.resource("aws.sagemaker.notebook_instance", n["NotebookInstanceArn"], region,
                              name=n["NotebookInstanceName"])
                 for n in ctx.paginate("sagemaker", region, "list_notebook_instances", "NotebookInstances")]
    return describe_each(ctx, resources, lambda r: client.describe_notebook_instance(
        NotebookInstanceName=r.attributes["name"]), _settings)
