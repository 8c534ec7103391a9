"""/etc/security/pwquality.conf, its pwquality.conf.d drop-ins, and pam_pwquality arguments."""
from __future__ import annotations

from ...model import Resource
from .registry import host_collector
from .faillock import pam_backed_resource
from .files import HostContext

PATH = "/etc/security/pwquality.conf"
INTEGERS = {"minlen", "minclass", "dcredit", "ucredit", "lcredit", "ocredit", "difok", "maxrepeat",
            "maxsequence", "maxclassrepeat", "dictcheck", "usercheck", "retry"}


@host_collector("host.pwquality")
def collect(ctx: HostContext) -> list[Resource]:
    paths = [PATH, *ctx.glob("/etc/security/pwquality.conf.d/*.conf")]
    return [pam_backed_resource(ctx, "host.pwquality", paths, "pam_pwquality.so", ("password",), INTEGERS)]
