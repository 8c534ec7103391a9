"""ACM certificates: status, use and expiry (ListCertificates reports them; no per-certificate call)."""
from __future__ import annotations

from typing import Any, Iterable

from ...model import Resource
from ._listing import days_since, listed
from .context import AwsContext, iso
from .registry import aws_collector

ALL_KEY_TYPES = ["RSA_1024", "RSA_2048", "RSA_3072", "RSA_4096", "EC_prime256v1", "EC_secp384r1", "EC_secp521r1"]


@aws_collector("aws.acm.certificate", service="acm", calls=("acm:ListCertificates",))
def certificates(ctx: AwsContext, region: str | None) -> Iterable[Resource]:
    def build(cert: dict[str, Any]) -> Resource:
        expires = cert.get("NotAfter")
        left = days_since(ctx, expires)
        return ctx.resource("aws.acm.certificate", cert["CertificateArn"], region, domain=cert.get("DomainName"),
                            status=cert.get("Status"), type=cert.get("Type"), in_use=bool(cert.get("InUse", False)),
                            not_after=iso(expires), days_to_expiry=None if left is None else -left,
                            renewal_eligibility=cert.get("RenewalEligibility"))

    # without Includes, ListCertificates leaves out RSA keys above 2048 bits and EC keys
    return listed(ctx, region, "acm", "list_certificates", "CertificateSummaryList", build,
                  Includes={"keyTypes": ALL_KEY_TYPES})
