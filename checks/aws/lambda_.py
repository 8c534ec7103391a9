"""Lambda: no environment variable named like a secret (the source keeps names only, never values), and
no resource policy open to everyone."""
from __future__ import annotations

import re
from typing import Any

from hipaacheck.aws_policies import public_grants
from hipaacheck.model import Outcome, Resource, failed, passed
from hipaacheck.registry import check

DEFAULT_PATTERN = (r"(?i)(secret|passw(or)?d|passphrase|(^|_)pass($|_)|pwd|token|credential|api_?key|private_?key"
                   r"|access_?key|signing_?key)")


@check("aws.lambda.secret_environment_names", resource_type="aws.lambda.function",
       reads=("environment_variable_names",), params={
    "name_pattern": {"type": "string", "minLength": 1, "default": DEFAULT_PATTERN},
})
def secret_environment_names(resource: Resource, params: dict[str, Any]) -> Outcome:
    """No environment variable's name says it holds a secret (use Secrets Manager or SSM instead)."""
    pattern = re.compile(params["name_pattern"], re.IGNORECASE)  # DB_Password is as secret as db_password
    names = resource.get("environment_variable_names") or []
    flagged = [name for name in names if pattern.search(name)]
    if flagged:
        return failed(f"environment variables named like secrets: {', '.join(flagged)}", names=flagged)
    return passed(f"none of {len(names)} environment variable names looks like a secret", names_checked=len(names))


@check("aws.lambda.not_public", resource_type="aws.lambda.function", reads=("policy",))
def not_public(resource: Resource, params: dict[str, Any]) -> Outcome:
    """The function's resource policy lets no one at all invoke it without a condition naming the caller."""
    open_to_all = public_grants(resource.get("policy"), ("lambda:InvokeFunction", "lambda:InvokeFunctionUrl"))
    if open_to_all:
        return failed(f"resource policy lets anyone invoke the function ({', '.join(open_to_all)})",
                      statements=open_to_all)
    return passed("no resource policy statement lets everyone invoke the function", statements=[])
